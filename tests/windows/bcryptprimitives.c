/* For Wine only, never shipped: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's std
 * imports on Windows. This stand-in fills the buffer through RtlGenRandom (advapi32's
 * SystemFunction036), which Wine has. Built by scripts/windows.sh and put beside the .exe. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
