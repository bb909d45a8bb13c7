/// The report's one stylesheet, inlined in every page.
enum ReportStyle {
    static let css = """
    :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0b5cad;
            --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #b42318; --bad-bg: #ffebe9; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #fff; color: var(--ink);
           font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
    main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
    h1 { font-size: 26px; margin: 0 0 12px; }
    h2 { font-size: 20px; margin: 0 0 4px; }
    h3 { font-size: 15px; margin: 18px 0 6px; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--soft); padding: 0 4px;
           border-radius: 4px; }
    .muted, .meta { color: var(--muted); }
    .meta { margin: 0 0 12px; font-size: 13px; }
    .provenance { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0 0 12px; }
    .provenance div { display: flex; gap: 6px; }
    .provenance dt { color: var(--muted); }
    .provenance dd { margin: 0; font-weight: 600; word-break: break-all; }
    .notice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 10px; }
    table { border-collapse: collapse; }
    .summary { width: 100%; margin: 16px 0 32px; font-size: 14px; }
    .summary th, .summary td { border-bottom: 1px solid var(--line); padding: 6px 10px; text-align: left;
                               vertical-align: top; }
    .summary thead th { background: var(--soft); border-top: 1px solid var(--line); }
    .summary td:first-child { min-width: 70px; max-width: 220px; }
    .summary.papers td:first-child { max-width: 520px; }
    .number { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .figure-section { border-top: 2px solid var(--line); padding: 24px 0 8px; }
    .figure-label { color: var(--accent); margin-right: 6px; }
    .plot { margin: 8px 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; }
    .plot svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
    .badge { display: inline-block; min-width: 46px; text-align: center; padding: 0 8px; border-radius: 10px;
             font-size: 12px; font-weight: 700; line-height: 20px; }
    .badge.holds { color: var(--ok); background: var(--ok-bg); }
    .badge.fails { color: var(--bad); background: var(--bad-bg); }
    .badge.not-reproduced { color: #8a5a00; background: #fdf1d8; }
    .checks { list-style: none; padding: 0; margin: 0; }
    .checks li { padding: 6px 0; border-bottom: 1px dashed var(--line); }
    .evidence { color: var(--muted); font-size: 13px; margin: 2px 0 0 60px; }
    .theory .number { font-weight: 600; }
    .params { font-size: 13px; columns: 3 320px; display: block; }
    .params tbody { display: block; }
    .params tr { display: flex; gap: 8px; break-inside: avoid; border-bottom: 1px solid var(--soft); padding: 2px 0; }
    .params th { font-weight: normal; text-align: left; min-width: 45%; }
    .params td { word-break: break-word; }
    .links { font-size: 14px; }
    .plot figcaption { font-size: 12px; text-align: center; margin-top: 4px; }
    .plot svg .hover rect:hover { stroke: #000; stroke-width: 1.5px; }
    .plot svg .hover circle:hover { fill: #000; fill-opacity: 0.3; }
    .snippet { margin: 4px 0; padding: 6px 10px; background: var(--soft); border: 1px solid var(--line);
               border-radius: 6px; overflow-x: auto; }
    .snippet code { background: none; padding: 0; white-space: pre; user-select: all; }
    .arrays { font-size: 13px; margin: 4px 0 8px; }
    .arrays summary { cursor: pointer; color: var(--muted); }
    h2 sub, h2 sup, td sub, td sup { font-size: 70%; }
    footer { margin-top: 32px; font-size: 13px; }

    """
}
