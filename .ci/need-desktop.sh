# Sourced by .ci/test.sh: what the desktop client (client/desktop, ebiten
# v2.8.8 with cgo) needs to compile, vet and run its screenshot test —
# OpenGL, X11 and ALSA headers, and Xvfb to render a real frame without a
# display. apt_install comes from test.sh.
need_desktop=()
for h in GL/gl.h X11/Xlib.h X11/extensions/Xrandr.h X11/Xcursor/Xcursor.h X11/extensions/Xinerama.h \
  X11/extensions/XInput2.h X11/extensions/xf86vmode.h alsa/asoundlib.h; do
  [ -e "/usr/include/$h" ] || { need_desktop=(libgl1-mesa-dev libx11-dev libxrandr-dev libxcursor-dev \
    libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev); break; }
done
command -v xvfb-run >/dev/null 2>&1 || need_desktop+=(xvfb xauth)
# Mesa's software renderer, so Xvfb has an OpenGL to give ebiten.
[ -n "$(ls /usr/lib/*/dri/swrast_dri.so 2>/dev/null)" ] || need_desktop+=(libgl1-mesa-dri)
if [ ${#need_desktop[@]} -gt 0 ]; then apt_install "${need_desktop[@]}"; fi
unset need_desktop
