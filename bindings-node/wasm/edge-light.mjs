// adapty-server for Vercel Edge Functions and Next.js middleware (the `edge-light` export condition): the WebAssembly build,
// installed before the package's modules load (imports evaluate in order), then the package.
import './install/edge-light.mjs';

export * from '../index.mjs';
export { default } from '../index.mjs';
