'use strict';
// Between the core's snake_case JSON and the package's camelCase objects, walking the field
// tables generated from the core's models (lib/models.js). Custom attribute keys are user data
// and pass through unchanged.

const { MODELS, INPUTS, OPEN_INPUTS } = require('./models');

const OPEN = new Set(OPEN_INPUTS);
const snakeCase = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A core result (snake_case JSON) as the model `name`, in camelCase. */
function fromCore(name, data) {
  const { fields, extra } = MODELS[name];
  const out = {};
  for (const [key, [camel]] of Object.entries(fields)) out[camel] = null;
  for (const [key, value] of Object.entries(data)) {
    const field = fields[key];
    if (field) {
      out[field[0]] = read(field[1], value);
    } else if (extra) {
      (out.extra ??= {})[key] = value;
    }
  }
  return out;
}

function read(kind, value) {
  if (value === null || value === undefined) return kind === 'map' ? {} : Array.isArray(kind) ? [] : null;
  if (kind === 'plain') return value;
  if (kind === 'map') return Object.fromEntries(value.map((a) => [a.key, a.value ?? null]));
  if (Array.isArray(kind)) return value.map((item) => fromCore(kind[1], item));
  return fromCore(kind, value);
}

/**
 * An input object (camelCase) as the core's snake_case JSON. Unknown keys are a TypeError naming
 * the key (except in OPEN_INPUTS, where the core judges them); `undefined` means "not given" and
 * is left out, `null` is sent as null. Maps with the user's own keys (custom attributes, metadata)
 * pass through unrenamed.
 */
function toCore(name, input, path) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(`${path || name} must be an object`);
  }
  const fields = INPUTS[name];
  const out = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const field = fields[key] ?? (OPEN.has(name) ? [snakeCase(key), 'plain'] : undefined);
    const at = path ? `${path}.${key}` : key;
    if (!field) throw new TypeError(`unknown field ${at}`);
    const [snake, kind] = field;
    out[snake] = write(kind, value, at);
  }
  return out;
}

function write(kind, value, at) {
  if (value === null || kind === 'plain' || kind === 'map') return value;
  if (!Array.isArray(kind)) return toCore(kind, value, at);
  if (!Array.isArray(value)) throw new TypeError(`${at} must be an array`);
  return value.map((item, i) => toCore(kind[1], item, `${at}[${i}]`));
}

module.exports = { fromCore, toCore, snakeCase };
