// adapty-server for Cloudflare Workers (the `workerd` export condition): the WebAssembly build,
// installed before the package's modules load (imports evaluate in order), then the package.
import './install/workerd.mjs';

export * from '../index.mjs';
export { default } from '../index.mjs';
