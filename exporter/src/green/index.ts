// Greener choices: forecast windows, idle savings and equivalencies (pure), and the forecast refresher.
export * from './window';
export * from './equivalencies';
export * from './savings';
export * from './projection';
export * from './refresher';
