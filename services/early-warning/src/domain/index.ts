export * from './signal-types';
export * from './signal';
export * from './aggregate-observation';
export * from './risk-parameters';
export * from './risk-context';
export * from './risk-events';
export * from './risk-score';
export { RiskEngine, dayOf, dateOfDay, type RiskEngineSnapshot, type RiskSignal, type RiskObservation, type RiskEngineOptions, type AreaRisk } from './risk-engine';
export * from './announcement';
