"""A Jupyter identity provider for tests: two users, each with a token.

Jupyter's default token login makes every request an anonymous user with a
random name; to check that the bridge sees *the right* user we need users
with stable names. Authentication is still Jupyter's own machinery: handlers
ask this provider, exactly as they would ask JupyterHub's.
"""

from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User

USERS = {"alice-token-0123456789": "alice", "bob-token-0123456789": "bob"}


class TwoUsersIdentityProvider(IdentityProvider):
    def get_user(self, handler):  # noqa: ANN001, ANN201
        token = self.get_token(handler)
        name = USERS.get(token or "")
        if name is None:
            return None
        return User(username=name, name=name, display_name=name.title())
