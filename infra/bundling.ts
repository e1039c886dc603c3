/**
 * How a function is bundled for Lambda: the one place both the CDK stack (NodejsFunction) and the
 * benchmark (`npm run bench`, cold-start section) take their esbuild settings from, so what is
 * measured is what is deployed.
 */

/** Lambda runtime major the bundles target (`nodejs24.x`). */
export const NODE_MAJOR = 24;

export const bundlingSettings = {
  target: `node${NODE_MAJOR}`,
  format: 'esm' as const,
  minify: true,
  // No source maps: the stack turns them on with NODE_OPTIONS=--enable-source-maps, which made every
  // cold start ~120 ms slower to import and ~160-330 ms slower to its first response (`npm run bench
  // -- --variants`). Minified stack traces in the rare 500's log are the cheaper price.
  sourceMap: false,
  // ESM bundles: prefer packages' ES module builds (better tree-shaking).
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ES module bundle still call require(); give them one.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  // The AWS SDK is bundled, not taken from the runtime: pinned versions and tree-shaken cold starts.
  externalModules: [] as string[],
};
