from core.http import attachment_disposition


def test_korean_file_names_keep_their_name_with_an_ascii_fallback():
    header = attachment_disposition("운영진단-한빛카드-2026-11.xlsx", ascii_name="diagnosis-2026-11.xlsx")
    assert header == (
        'attachment; filename="diagnosis-2026-11.xlsx"; '
        "filename*=UTF-8''%EC%9A%B4%EC%98%81%EC%A7%84%EB%8B%A8-%ED%95%9C%EB%B9%9B%EC%B9%B4%EB%93%9C-2026-11.xlsx"
    )


def test_ascii_names_are_sent_plainly_and_quotes_or_slashes_cannot_break_the_header():
    assert attachment_disposition("report.csv") == 'attachment; filename="report.csv"'
    header = attachment_disposition('a"b/c.csv')
    assert '"' not in header.split('filename="')[1].rstrip('"').replace('"; filename*', "")
    assert "/" not in header


def test_a_missing_fallback_is_made_from_the_name():
    assert attachment_disposition("매뉴얼.csv").startswith('attachment; filename="download.csv"; filename*=')
