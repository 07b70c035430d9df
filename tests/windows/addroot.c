/* For the Windows tests under Wine: adds a DER certificate (argv[1]) to the current user's ROOT
 * store, as a company's IT puts its TLS inspection root on a machine. Built by scripts/windows.sh. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: addroot CERT.der\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { fprintf(stderr, "cannot open %s\n", argv[1]); return 2; }
  static BYTE der[65536];
  size_t n = fread(der, 1, sizeof der, f);
  fclose(f);
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"ROOT");
  if (!store) { fprintf(stderr, "CertOpenStore failed: %lu\n", GetLastError()); return 1; }
  if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, (DWORD)n, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
    fprintf(stderr, "CertAddEncodedCertificateToStore failed: %lu\n", GetLastError());
    return 1;
  }
  CertCloseStore(store, 0);
  return 0;
}
