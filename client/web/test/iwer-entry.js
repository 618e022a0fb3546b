// Installs IWER's emulated Meta Quest 3 in place of the browser's own
// navigator.xr (chromium has one; forceInstall replaces it) so a headless
// test can enter immersive-vr and drive controllers — or, when a script
// run before this one set window.__emulate = 'visionpro', an Apple Vision
// Pro with Safari's gaze-and-pinch input (visionpro.js).
import { XRDevice, metaQuest3 } from 'iwer';
import { installVisionPro } from './visionpro.js';

if (window.__emulate === 'visionpro') {
  installVisionPro();
} else {
  const device = new XRDevice(metaQuest3);
  device.installRuntime({ forceInstall: true });
  window.__xrDevice = device;
}
