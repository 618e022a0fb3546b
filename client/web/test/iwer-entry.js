// Installs IWER's emulated Meta Quest 3 in place of the browser's own
// navigator.xr (chromium has one; forceInstall replaces it) so a headless
// test can enter immersive-vr and drive controllers.
import { XRDevice, metaQuest3 } from 'iwer';

const device = new XRDevice(metaQuest3);
device.installRuntime({ forceInstall: true });
window.__xrDevice = device;
