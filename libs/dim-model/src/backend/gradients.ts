/**
 * Registers the gradients of every tfjs-core op.
 *
 * @tensorflow/tfjs-core's CommonJS build (what Node, tsx and Jest load) registers no gradients,
 * and the only file that does, dist/register_all_gradients.js, is an ES module that Jest cannot
 * require. The @tensorflow/tfjs bundle registers them all on load. It also registers the
 * webgl backend, which stays unused because selectBackend always sets the backend explicitly.
 */
import '@tensorflow/tfjs';
