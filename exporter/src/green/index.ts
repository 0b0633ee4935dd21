// Greener choices: pure functions only (forecast windows, idle savings, equivalencies).
export * from './window';
export * from './equivalencies';
export * from './savings';
