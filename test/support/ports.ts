export { freePort, waitFor } from '../../tools/ports.js';
