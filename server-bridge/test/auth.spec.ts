import { authenticate, AuthConfig } from '../src/http/auth';

const config: AuthConfig = {
  secret: 's3cret-s3cret-s3cret',
  kernelToken: 'kernel-token-kernel-token',
  owner: 'alice'
};

describe('authenticate', () => {
  it('lets the server extension in as the user it names', () => {
    expect(
      authenticate(
        { 'x-kubeflow-bridge-secret': config.secret, 'x-kubeflow-user': 'bob' },
        config
      )
    ).toEqual({ user: 'bob', via: 'jupyter' });
  });

  it('refuses a wrong secret, a missing user and a control character in the user', () => {
    expect(
      authenticate({ 'x-kubeflow-bridge-secret': 'nope', 'x-kubeflow-user': 'bob' }, config)
    ).toBeNull();
    expect(authenticate({ 'x-kubeflow-bridge-secret': config.secret }, config)).toBeNull();
    expect(
      authenticate(
        { 'x-kubeflow-bridge-secret': config.secret, 'x-kubeflow-user': 'bo\nb' },
        config
      )
    ).toBeNull();
  });

  it('lets a kernel in as the owner, never as anyone else', () => {
    expect(
      authenticate(
        { authorization: `Bearer ${config.kernelToken}`, 'x-kubeflow-user': 'mallory' },
        config
      )
    ).toEqual({ user: 'alice', via: 'kernel' });
  });

  it('does not accept the kernel token as the secret, nor the secret as a kernel token', () => {
    expect(
      authenticate(
        { 'x-kubeflow-bridge-secret': config.kernelToken, 'x-kubeflow-user': 'bob' },
        config
      )
    ).toBeNull();
    expect(authenticate({ authorization: `Bearer ${config.secret}` }, config)).toBeNull();
  });

  it('refuses kernels when no kernel token is configured', () => {
    expect(
      authenticate({ authorization: 'Bearer ' }, { ...config, kernelToken: '' })
    ).toBeNull();
    expect(authenticate({}, config)).toBeNull();
  });
});
