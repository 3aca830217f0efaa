"""A plan as an admin's Excel saves it on a UK machine: plain "CSV" (Windows-1252, CRLF), UK dates, a council
by its local name and owners' status words. Shared by the storage, Slack and Teams tests of importing from chat."""

from __future__ import annotations

EXCEL_ROWS = [
    "theme_code,theme_name,ref,title,owner,owner_email,partners,due,plan_year,status,progress,rag",
    "RS,Resilient solutions,RS-01,Caf\u00e9 Wi-Fi \u2013 \u00a3 review,Zo\u00eb Hart,zoe.hart@midkent.gov.uk,"
    "Tunbridge Wells BC,30/06/2021,,On track,40,amber",
    "RS,Resilient solutions,RS-02,Replace the perimeter firewalls,Luke Fenwick,luke.fenwick@midkent.gov.uk,"
    "all,31/03/2022,,Not yet started,0,green",
]


def excel_csv(rows: list[str] = EXCEL_ROWS) -> bytes:
    """The rows as Excel's plain CSV writes them."""
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


EXCEL_CSV = excel_csv()
