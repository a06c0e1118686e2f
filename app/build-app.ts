import { App } from 'cdktf';
import { EnvironmentConfig } from '../config/schema';
import { StateStack } from '../stacks/state-stack';

/** Adds the environment's stacks to `app`, wiring each stack's inputs from the stacks it reads. */
export function buildApp(app: App, config: EnvironmentConfig): void {
  new StateStack(app, { config });
}
