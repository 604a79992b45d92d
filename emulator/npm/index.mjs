// ES module entry: the CommonJS implementation's exports.
import emulator from './index.js';

export const { startEmulator, connectEmulator, binaryPath, Emulator, RunningEmulator, EmulatorError } = emulator;
