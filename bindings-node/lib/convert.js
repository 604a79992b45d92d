// Between the core's snake_case JSON and the package's camelCase objects, walking the field
// tables generated from the core's models (lib/generated/models.js). Custom attribute keys are user data
// and pass through unchanged.

const { MODELS, INPUTS } = require('./generated/models');

/** lib/methods.js, loaded on first use (it needs this module). */
let methods;

/**
 * A core result (snake_case JSON) as the model `name`, in camelCase, with the methods its table
 * names (not enumerable, so the object stays plain data).
 * @returns {any} the model (typed by the methods that return it, in index.d.ts)
 */
function fromCore(name, data) {
  const { fields, extra, methods: named } = MODELS[name];
  const out = {};
  if (named) {
    methods ??= require('./methods');
    Object.defineProperties(out, methods[named]);
  }
  for (const [camel] of Object.values(fields)) out[camel] = null;
  for (const [key, value] of Object.entries(data)) {
    const field = fields[key];
    if (field) {
      out[field[0]] = read(field[1], value, data);
    } else if (extra) {
      out.extra ??= {};
      out.extra[key] = value;
    }
  }
  return out;
}

/** A field of kind `kind` (see models.js) of the core's object `data`. */
function read(kind, value, data) {
  const [shape, ...rest] = Array.isArray(kind) ? kind : [kind];
  if (value === null || value === undefined) return { map: {}, list: [], record: {} }[shape] ?? null;
  switch (shape) {
    case 'plain':
      return value;
    case 'map':
      return Object.fromEntries(value.map((a) => [a.key, a.value ?? null]));
    case 'list':
      return value.map((item) => fromCore(rest[0], item));
    case 'record':
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromCore(rest[0], item)]));
    case 'select': {
      const [by, cases, fallback] = rest;
      const model = cases[data[by]] ?? fallback;
      return model === 'raw' ? value : model === 'none' ? null : fromCore(model, value);
    }
    default:
      return fromCore(shape, value);
  }
}

/**
 * An object of the model `name` (as `fromCore` makes it) back as the core's snake_case JSON, its
 * unknown fields from `extra`: what a method sends the core. (No model with an `x-select` field
 * goes back, so `select` fields are not converted.)
 */
function modelToCore(name, value) {
  const out = { ...value.extra };
  for (const [key, [camelKey, kind]] of Object.entries(MODELS[name].fields)) out[key] = back(kind, value[camelKey]);
  return out;
}

function back(kind, value) {
  const [shape, ...rest] = Array.isArray(kind) ? kind : [kind];
  if (value === null || value === undefined) return null;
  switch (shape) {
    case 'plain':
    case 'select':
      return value;
    case 'map':
      return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    case 'list':
      return value.map((item) => modelToCore(rest[0], item));
    case 'record':
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, modelToCore(rest[0], item)]));
    default:
      return modelToCore(shape, value);
  }
}

/**
 * An input object (camelCase) as the core's snake_case JSON. What is not as the input's table
 * says (a key it does not have, a value of another type) goes as it is, for the core to refuse
 * naming it; `undefined` means "not given" and is left out, `null` is sent as null. Maps with the
 * user's own keys (custom attributes, metadata) pass through unrenamed.
 */
function toCore(name, input) {
  const fields = INPUTS[name];
  const out = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const field = fields[key];
    if (field) out[field[0]] = write(field[1], value);
    else out[key] = value;
  }
  return out;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function write(kind, value) {
  if (kind === 'plain' || kind === 'map') return value;
  if (!Array.isArray(kind)) return isObject(value) ? toCore(kind, value) : value;
  return Array.isArray(value) ? value.map((item) => (isObject(item) ? toCore(kind[1], item) : item)) : value;
}

module.exports = { fromCore, toCore, modelToCore };
