// Templates are bundled as text by esbuild and loaded as text by the test hook.
declare module '*.hbs' {
  const text: string;
  export default text;
}
