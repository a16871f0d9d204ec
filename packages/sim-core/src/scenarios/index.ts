export * from './scenario';
export { towerFleet } from './tower-fleet';
