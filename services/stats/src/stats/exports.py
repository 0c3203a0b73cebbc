"""CSV and XLSX exports, written row by row so that any size fits in memory."""

import csv
import io
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

from openpyxl import Workbook

CHUNK = 64 * 1024


async def csv_stream(
    header: Sequence[str], rows: AsyncIterable[Sequence[Any]]
) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM and semicolons: what French spreadsheets open as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            ["oui" if v is True else "non" if v is False else v for v in row]
        )
        yield buffer.getvalue().encode()


def _cell(value: Any) -> Any:
    """Numbers, text and booleans as they are; an empty cell for None; else text."""
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


async def xlsx_stream(
    title: str, header: Sequence[str], rows: AsyncIterable[Sequence[Any]]
) -> AsyncIterator[bytes]:
    """Write-only openpyxl keeps one row in memory; the file is sent in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    async for row in rows:
        sheet.append([_cell(v) for v in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
