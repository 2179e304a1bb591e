// node --import ./register.mjs: maps `k6` / `k6/*` imports to local stubs and loads the k6
// scripts' .js files as ES modules whatever the nearest package.json says.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
