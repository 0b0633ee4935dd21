export const JOULES_PER_KWH = 3.6e6;
export const BYTES_PER_GIB = 1024 ** 3;

export const joulesToKwh = (joules: number): number => joules / JOULES_PER_KWH;
export const kwhToJoules = (kwh: number): number => kwh * JOULES_PER_KWH;

/** gCO2e for an energy at an intensity in gCO2/kWh. */
export const gramsFor = (joules: number, gramsPerKwh: number): number => joulesToKwh(joules) * gramsPerKwh;
