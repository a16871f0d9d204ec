export * from './scenario';
export { towerFleet, towerFleetFresh } from './tower-fleet';
export { towerFleetHa } from './tower-fleet-ha';
