declare module '*.prom' {
  const text: string;
  export default text;
}
