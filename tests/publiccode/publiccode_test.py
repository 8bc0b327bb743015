#!/usr/bin/python3
"""publiccode.yml checked against the publiccode.yml standard, version 0.4.

The rules are those of the standard's core schema (docs/standard/schema.core.rst of
publiccodeyml/publiccode.yml) and of its Italian extension, countryExtensionVersion
1.0 (schema.it.rst), as the reference parser (italia/publiccode-parser-go) enforces
them for 0.x files: mandatory keys, types, enumerations, the controlled vocabularies
of categories and scope, lengths (shortDescription at most 150 characters,
longDescription 150 to 10000, genericName at most 35), dates YYYY-MM-DD, URLs, BCP 47
language tags, ISO 3166-1 alpha-2 countries, and the contacts or contractors that the
maintenance type requires. Keys the standard does not define are errors too, so that a
misspelt key is not silently ignored. Not checked here: that the SPDX expression names
real licences and that the codice IPA exists (both need lists fetched from the network).

The validator is itself tested: each of a table of broken copies must be rejected with
the expected message.
Usage: publiccode_test.py SOURCE_DIR
"""
import copy
import datetime
import re
import sys
from pathlib import Path

import yaml

CATEGORIES = set("""
accounting agile-project-management applicant-tracking application-development
appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
business-process-management cad call-center-management cloud-management collaboration
communications compliance-management contact-management content-management crm
customer-service-and-support data-analytics data-collection data-visualization design
design-system digital-asset-management digital-citizenship document-management
donor-management e-commerce e-signature educational-content email-management
email-marketing employee-management enterprise-project-management
enterprise-social-networking erp event-management facility-management
feedback-and-reviews-management financial-reporting fleet-management fundraising
gamification geographic-information-systems grant-management graphic-design help-desk hr
ide identity-management instant-messaging inventory-management it-asset-management
it-development it-management it-security it-service-management knowledge-management
learning-management-system marketing mind-mapping mobile-marketing mobile-payment
network-management office online-booking online-community payment-gateway payroll
predictive-analysis procurement productivity-suite project-collaboration
project-management property-management real-estate-management remote-support
resource-management sales-management seo service-desk social-media-management survey
talent-management task-management taxes-management test-management time-management
time-tracking translation video-conferencing video-editing visitor-management voip
warehouse-management web-collaboration web-conferencing website-builder whistleblowing
workflow-management""".split())
SCOPES = set("""
agriculture culture defence education emergency-services employment energy environment
finance-and-economic-development foreign-affairs healthcare infrastructures justice
local-authorities manufacturing research science-and-technology security society sport
tourism transportation welfare""".split())
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                  "standalone/backend", "standalone/other", "addon", "library",
                  "configurationFiles"}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}

BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPDX = re.compile(r"^\(?[A-Za-z0-9.+-]+\)?( (AND|OR|WITH) \(?[A-Za-z0-9.+-]+\)?)*$")
IPA_CODE = re.compile(r"^[a-z0-9_]+$")

TOP_KEYS = {"publiccodeYmlVersion", "name", "applicationSuite", "url", "landingURL", "isBasedOn",
            "softwareVersion", "releaseDate", "logo", "monochromeLogo", "inputTypes",
            "outputTypes", "platforms", "categories", "usedBy", "roadmap", "developmentStatus",
            "softwareType", "intendedAudience", "description", "legal", "maintenance",
            "localisation", "dependsOn", "it"}
DESCRIPTION_KEYS = {"localisedName", "genericName", "shortDescription", "longDescription",
                    "documentation", "apiDocumentation", "features", "screenshots", "videos",
                    "awards"}


class Validator:
    def __init__(self):
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    def known_keys(self, where, mapping, keys):
        for key in mapping:
            if key not in keys:
                self.error(where, f"unknown key \"{key}\"")

    def mapping(self, where, value, required=True):
        if value is None:
            if required:
                self.error(where, "missing")
            return {}
        if not isinstance(value, dict):
            self.error(where, "expected a section (mapping)")
            return {}
        return value

    def string(self, where, value, required=True, pattern=None, what="", max_len=None, min_len=None):
        if value is None:
            if required:
                self.error(where, "missing")
            return
        if not isinstance(value, str):
            self.error(where, f"expected a string, found {type(value).__name__}")
            return
        if required and not value.strip():
            self.error(where, "empty")
        if pattern and not pattern.match(value):
            self.error(where, f"not {what}: \"{value}\"")
        if max_len is not None and len(value) > max_len:
            self.error(where, f"longer than {max_len} characters ({len(value)})")
        if min_len is not None and len(value) < min_len:
            self.error(where, f"shorter than {min_len} characters ({len(value)})")

    def date(self, where, value, required=True):
        self.string(where, value, required, re.compile(r"^\d{4}-\d{2}-\d{2}$"), "a date YYYY-MM-DD")
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                self.error(where, f"not a calendar date: \"{value}\"")

    def enum(self, where, value, allowed, required=True):
        if value is None:
            if required:
                self.error(where, "missing")
        elif value not in allowed:
            self.error(where, f"\"{value}\" is not one of {', '.join(sorted(allowed))}")

    def strings(self, where, value, required=True, allowed=None, pattern=None, what=""):
        if value is None:
            if required:
                self.error(where, "missing")
            return
        if not isinstance(value, list) or not value:
            self.error(where, "expected a non-empty list")
            return
        for i, item in enumerate(value):
            if allowed is not None and item not in allowed:
                self.error(f"{where}[{i}]", f"\"{item}\" is not in the standard's list")
            else:
                self.string(f"{where}[{i}]", item, True, pattern, what)

    def boolean(self, where, value, required=True):
        if value is None:
            if required:
                self.error(where, "missing")
        elif not isinstance(value, bool):
            self.error(where, "expected true or false")


def check_description(v, description):
    description = v.mapping("description", description)
    if not description:
        v.error("description", "at least one language is required")
    for lang, text in description.items():
        where = f"description/{lang}"
        if not BCP47.match(str(lang)):
            v.error(where, f"\"{lang}\" is not a BCP 47 language tag")
        text = v.mapping(where, text)
        v.known_keys(where, text, DESCRIPTION_KEYS)
        v.string(f"{where}/localisedName", text.get("localisedName"), required=False)
        v.string(f"{where}/genericName", text.get("genericName"), required=False, max_len=35)
        v.string(f"{where}/shortDescription", text.get("shortDescription"), max_len=150)
        v.string(f"{where}/longDescription", text.get("longDescription"), min_len=150, max_len=10000)
        for key in ("documentation", "apiDocumentation"):
            v.string(f"{where}/{key}", text.get(key), False, URL, "an http(s) URL")
        v.strings(f"{where}/features", text.get("features"))
        v.strings(f"{where}/screenshots", text.get("screenshots"), required=False)
        v.strings(f"{where}/videos", text.get("videos"), False, None, URL, "an http(s) URL")
        v.strings(f"{where}/awards", text.get("awards"), required=False)


def check_maintenance(v, maintenance):
    maintenance = v.mapping("maintenance", maintenance)
    v.known_keys("maintenance", maintenance, {"type", "contractors", "contacts"})
    kind = maintenance.get("type")
    v.enum("maintenance/type", kind, MAINTENANCE_TYPES)
    contractors, contacts = maintenance.get("contractors"), maintenance.get("contacts")
    if kind == "contract" and not contractors:
        v.error("maintenance/contractors", "required when maintenance/type is contract")
    if kind != "contract" and contractors:
        v.error("maintenance/contractors", "only allowed when maintenance/type is contract")
    if kind in ("internal", "community") and not contacts:
        v.error("maintenance/contacts", f"required when maintenance/type is {kind}")
    for i, contractor in enumerate(contractors or []):
        where = f"maintenance/contractors[{i}]"
        contractor = v.mapping(where, contractor)
        v.known_keys(where, contractor, {"name", "until", "email", "website"})
        v.string(f"{where}/name", contractor.get("name"))
        v.date(f"{where}/until", contractor.get("until"))
        v.string(f"{where}/email", contractor.get("email"), False, EMAIL, "an e-mail address")
        v.string(f"{where}/website", contractor.get("website"), False, URL, "an http(s) URL")
    for i, contact in enumerate(contacts or []):
        where = f"maintenance/contacts[{i}]"
        contact = v.mapping(where, contact)
        v.known_keys(where, contact, {"name", "email", "phone", "affiliation"})
        v.string(f"{where}/name", contact.get("name"))
        v.string(f"{where}/email", contact.get("email"), False, EMAIL, "an e-mail address")
        v.string(f"{where}/phone", contact.get("phone"), required=False)
        v.string(f"{where}/affiliation", contact.get("affiliation"), required=False)


def check_depends_on(v, depends_on):
    depends_on = v.mapping("dependsOn", depends_on, required=False)
    v.known_keys("dependsOn", depends_on, {"open", "proprietary", "hardware"})
    for kind, dependencies in depends_on.items():
        for i, dependency in enumerate(dependencies or []):
            where = f"dependsOn/{kind}[{i}]"
            dependency = v.mapping(where, dependency)
            v.known_keys(where, dependency, {"name", "versionMin", "versionMax", "version", "optional"})
            v.string(f"{where}/name", dependency.get("name"))
            for key in ("versionMin", "versionMax", "version"):
                v.string(f"{where}/{key}", dependency.get(key), required=False)
            v.boolean(f"{where}/optional", dependency.get("optional"), required=False)


def check_italy(v, italy):
    italy = v.mapping("it", italy, required=False)
    if not italy:
        return
    v.known_keys("it", italy, {"countryExtensionVersion", "conforme", "piattaforme", "riuso"})
    v.enum("it/countryExtensionVersion", italy.get("countryExtensionVersion"), {"1.0"})
    for section, keys in [("conforme", {"lineeGuidaDesign", "modelloInteroperabilita",
                                        "misureMinimeSicurezza", "gdpr"}),
                          ("piattaforme", {"spid", "cie", "anpr", "pagopa", "io"})]:
        values = v.mapping(f"it/{section}", italy.get(section), required=False)
        v.known_keys(f"it/{section}", values, keys)
        for key in keys:
            v.boolean(f"it/{section}/{key}", values.get(key), required=False)
    riuso = v.mapping("it/riuso", italy.get("riuso"), required=False)
    v.known_keys("it/riuso", riuso, {"codiceIPA"})
    v.string("it/riuso/codiceIPA", riuso.get("codiceIPA"), False, IPA_CODE, "a codice IPA")


def validate(document):
    v = Validator()
    document = v.mapping("(document)", document)
    v.known_keys("(top level)", document, TOP_KEYS)
    v.enum("publiccodeYmlVersion", document.get("publiccodeYmlVersion"), {"0.4", "0.4.0"})
    v.string("name", document.get("name"))
    v.string("url", document.get("url"), True, URL, "an http(s) URL")
    for key in ("landingURL", "roadmap"):
        v.string(key, document.get(key), False, URL, "an http(s) URL")
    v.string("softwareVersion", document.get("softwareVersion"), required=False)
    v.date("releaseDate", document.get("releaseDate"), required=False)
    v.string("logo", document.get("logo"), False, re.compile(r".*\.(svg|svgz|png)$"), "an SVG or PNG")
    platforms = document.get("platforms")
    v.strings("platforms", [platforms] if isinstance(platforms, str) else platforms)
    v.strings("categories", document.get("categories"), allowed=CATEGORIES)
    v.strings("usedBy", document.get("usedBy"), required=False)
    v.enum("developmentStatus", document.get("developmentStatus"), DEVELOPMENT_STATUS)
    v.enum("softwareType", document.get("softwareType"), SOFTWARE_TYPES)
    audience = v.mapping("intendedAudience", document.get("intendedAudience"), required=False)
    v.known_keys("intendedAudience", audience, {"countries", "unsupportedCountries", "scope"})
    for key in ("countries", "unsupportedCountries"):
        v.strings(f"intendedAudience/{key}", audience.get(key), False, None,
                  re.compile(r"^[a-z]{2}$"), "an ISO 3166-1 alpha-2 code in lower case")
    v.strings("intendedAudience/scope", audience.get("scope"), required=False, allowed=SCOPES)
    check_description(v, document.get("description"))
    legal = v.mapping("legal", document.get("legal"))
    v.known_keys("legal", legal, {"license", "mainCopyrightOwner", "repoOwner", "authorsFile"})
    v.string("legal/license", legal.get("license"), True, SPDX, "an SPDX expression")
    for key in ("mainCopyrightOwner", "repoOwner", "authorsFile"):
        v.string(f"legal/{key}", legal.get(key), required=False)
    check_maintenance(v, document.get("maintenance"))
    localisation = v.mapping("localisation", document.get("localisation"))
    v.known_keys("localisation", localisation, {"localisationReady", "availableLanguages"})
    v.boolean("localisation/localisationReady", localisation.get("localisationReady"))
    v.strings("localisation/availableLanguages", localisation.get("availableLanguages"),
              True, None, BCP47, "a BCP 47 language tag")
    check_depends_on(v, document.get("dependsOn"))
    check_italy(v, document.get("it"))
    return v.errors


def broken(document, path, value):
    """A copy of `document` with the key at `path` set to `value` (None removes it)."""
    copied = copy.deepcopy(document)
    *parents, last = path
    target = copied
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return copied


MUTATIONS = [
    (("name",), None, "name: missing"),
    (("publiccodeYmlVersion",), "0.9", "publiccodeYmlVersion: \"0.9\" is not one of"),
    (("url",), "github.com/x", "url: not an http(s) URL"),
    (("releaseDate",), "2026-02-30", "releaseDate: not a calendar date"),
    (("releaseDate",), datetime.date(2026, 1, 1), "releaseDate: expected a string"),
    (("categories",), ["scadenze"], "categories[0]: \"scadenze\" is not in the standard's list"),
    (("developmentStatus",), "alpha", "developmentStatus: \"alpha\" is not one of"),
    (("softwareType",), "standalone/daemon", "softwareType: \"standalone/daemon\" is not one of"),
    (("description", "it", "shortDescription"), "x" * 151, "shortDescription: longer than 150"),
    (("description", "it", "longDescription"), "troppo breve", "longDescription: shorter than 150"),
    (("description", "it", "features"), [], "features: expected a non-empty list"),
    (("description", "it", "shortDescriptions"), "x", "unknown key \"shortDescriptions\""),
    (("maintenance", "contacts"), None, "maintenance/contacts: required when maintenance/type is internal"),
    (("maintenance", "type"), "contract", "maintenance/contractors: required when maintenance/type is contract"),
    (("localisation", "availableLanguages"), ["italiano"], "not a BCP 47 language tag"),
    (("legal", "license"), "EUPL 1.2", "legal/license: not an SPDX expression"),
    (("it", "countryExtensionVersion"), "0.9", "it/countryExtensionVersion: \"0.9\" is not one of"),
    (("it", "riuso", "codiceIPA"), "CCIAA Esempio", "it/riuso/codiceIPA: not a codice IPA"),
]


def main():
    text = (Path(sys.argv[1]) / "publiccode.yml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    failures = 0
    errors = validate(document)
    print(("ok   " if not errors else "FAIL ") + "publiccode.yml follows publiccode.yml 0.4 "
          "(core and Italian extension 1.0)" + "".join("\n     " + e for e in errors))
    failures += bool(errors)
    # The version it announces is the one CMake builds.
    cmake = (Path(sys.argv[1]) / "CMakeLists.txt").read_text()
    version = re.search(r"project\(scadenzario VERSION (\S+)", cmake).group(1)
    same = document.get("softwareVersion") == version
    print(("ok   " if same else "FAIL ") + f"softwareVersion is the project's version {version}")
    failures += not same
    for path, value, expected in MUTATIONS:
        found = validate(broken(document, path, value))
        hit = any(expected in e for e in found)
        shown = repr(value) if len(repr(value)) < 40 else repr(value)[:36] + "..."
        print(("ok   " if hit else "FAIL ") + f"rejects {'/'.join(path)} = {shown}: {expected}" +
              ("" if hit else f" (found {found})"))
        failures += not hit
    print(f"{failures} failure(s)")
    return 1 if failures else 0


sys.exit(main())
