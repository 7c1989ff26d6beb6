export * from './projection.projector';
export * from './projection.store';
export * from './reduced-event';
export * from './project-events';
