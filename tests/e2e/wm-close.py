"""Asks Skillsync's window to close the way a window manager's close button does: a WM_DELETE_WINDOW
client message to every top-level window titled "Skillsync" on $DISPLAY. (WebDriver's own window
close destroys the webview without asking, so it cannot show what a person's close does.)
Prints how many windows were asked; exits 1 when there were none."""
import sys

from Xlib import X, display, protocol

d = display.Display()
WM_PROTOCOLS = d.intern_atom("WM_PROTOCOLS")
WM_DELETE_WINDOW = d.intern_atom("WM_DELETE_WINDOW")


def windows(w):
    for child in w.query_tree().children:
        yield child
        yield from windows(child)


asked = 0
for w in windows(d.screen().root):
    try:
        title = w.get_wm_name()
    except Exception:
        continue
    if title == "Skillsync":
        message = protocol.event.ClientMessage(
            window=w, client_type=WM_PROTOCOLS, data=(32, [WM_DELETE_WINDOW, X.CurrentTime, 0, 0, 0])
        )
        w.send_event(message, event_mask=X.NoEventMask)
        asked += 1
d.flush()
print(f"asked {asked} window(s) to close")
sys.exit(0 if asked else 1)
