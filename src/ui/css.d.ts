/** CSS files imported as text (esbuild: `import text from 'x.css' with { type: 'text' }`). */
declare module '*.css' {
  const text: string;
  export default text;
}
