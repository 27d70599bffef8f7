/** KServe objects for deployments (pure builders; the bridge sends them). */
export * from './inference-service';
export * from './model-status';
export * from './inference-graph';
