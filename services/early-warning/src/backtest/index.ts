export * from './backtest';
export * from './backtest-summary';
export { zscoreBaseline, type BaselineTransition } from './zscore-baseline';
