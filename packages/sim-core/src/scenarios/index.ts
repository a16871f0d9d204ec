export * from './scenario';
export { towerFleet } from './tower-fleet';
export { towerFleetHa } from './tower-fleet-ha';
