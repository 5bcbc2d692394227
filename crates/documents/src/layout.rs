//! Page flow: a cursor going down A4 pages, text and tables that break onto new pages
//! (repeating the table header), and a footer with the page number on every page.

use crate::pdf::{Fonts, Op, Page, Rgb, Style, BLACK, GREY, PAGE_HEIGHT, PAGE_WIDTH, RULE, SHADE};

/// Left and right margin.
pub const MARGIN: f32 = 42.0;
/// The top of the text area.
pub const TOP: f32 = PAGE_HEIGHT - 40.0;
/// Nothing but the footer goes below this.
pub const BOTTOM: f32 = 72.0;
/// The right edge of the text area.
pub const RIGHT: f32 = PAGE_WIDTH - MARGIN;
/// The width of the text area.
pub const WIDTH: f32 = RIGHT - MARGIN;

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Right, for numbers.
    Right,
}

/// A table column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its header.
    pub title: &'static str,
    /// Its width in points.
    pub width: f32,
    /// Its alignment.
    pub align: Align,
    /// The most lines a cell may take (longer text is cut with `…`).
    pub max_lines: usize,
}

/// Cell padding in tables.
const PAD: f32 = 4.0;

/// A document being laid out.
#[derive(Debug)]
pub struct Layout<'f> {
    /// The faces.
    pub fonts: &'f Fonts,
    /// The pages so far; the last one is being filled.
    pub pages: Vec<Page>,
    /// The cursor: the top of what comes next.
    pub y: f32,
    /// Printed at the top of every page but the first, e.g. "Facture FA-2026-000123".
    pub running_title: String,
    /// Printed at the top right of every page but the first, e.g. the seller's name.
    pub running_note: String,
}

impl<'f> Layout<'f> {
    /// A document with one empty page.
    pub fn new(fonts: &'f Fonts, running_title: String, running_note: String) -> Self {
        Layout {
            fonts,
            pages: vec![Page::default()],
            y: TOP,
            running_title,
            running_note,
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Text with its baseline at `y`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(&mut self, x: f32, y: f32, style: Style, size: f32, color: Rgb, text: &str) {
        if text.is_empty() {
            return;
        }
        self.page().ops.push(Op::Text {
            x,
            y,
            style,
            size,
            color,
            text: text.to_owned(),
        });
    }

    /// Text ending at `right`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_right(
        &mut self,
        right: f32,
        y: f32,
        style: Style,
        size: f32,
        color: Rgb,
        text: &str,
    ) {
        let width = self.fonts.width(style, size, text);
        self.text(right - width, y, style, size, color, text);
    }

    /// Text centred on `center`.
    pub fn text_center(&mut self, center: f32, y: f32, style: Style, size: f32, text: &str) {
        let width = self.fonts.width(style, size, text);
        self.text(center - width / 2.0, y, style, size, GREY, text);
    }

    /// A filled rectangle, `top` being its upper edge.
    pub fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, color: Rgb) {
        self.page().ops.push(Op::Fill {
            x,
            y: top - h,
            w,
            h,
            color,
        });
    }

    /// A horizontal rule.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.page().ops.push(Op::Line {
            from: (x1, y),
            to: (x2, y),
            width,
            color,
        });
    }

    /// A frame around a rectangle, `top` being its upper edge.
    pub fn frame(&mut self, x: f32, top: f32, w: f32, h: f32) {
        let bottom = top - h;
        for (from, to) in [
            ((x, top), (x + w, top)),
            ((x, bottom), (x + w, bottom)),
            ((x, top), (x, bottom)),
            ((x + w, top), (x + w, bottom)),
        ] {
            self.page().ops.push(Op::Line {
                from,
                to,
                width: 0.6,
                color: RULE,
            });
        }
    }

    /// Starts a new page, with the running title on top.
    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        let title = self.running_title.clone();
        let note = self.running_note.clone();
        self.text(MARGIN, TOP - 10.0, Style::Bold, 10.0, BLACK, &title);
        self.text_right(RIGHT, TOP - 10.0, Style::Regular, 9.0, GREY, &note);
        self.hline(MARGIN, RIGHT, TOP - 16.0, 0.6, RULE);
        self.y = TOP - 30.0;
    }

    /// Makes room for `height` points, on a new page if this one is too full. Whether a
    /// page was started.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Paragraph text over the full width, wrapped.
    pub fn paragraph(&mut self, style: Style, size: f32, color: Rgb, text: &str) {
        let leading = size * 1.35;
        let lines = self.fonts.wrap(style, size, text, WIDTH, usize::MAX);
        for line in lines {
            self.ensure(leading);
            self.y -= leading;
            self.text(MARGIN, self.y + size * 0.3, style, size, color, &line);
        }
    }

    /// A table's header row.
    pub fn table_header(&mut self, x: f32, columns: &[Column], size: f32) {
        let height = size + 2.0 * PAD + 2.0;
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let top = self.y;
        self.fill(x, top, total, height, SHADE);
        let baseline = top - PAD - size * 0.85 - 1.0;
        let mut left = x;
        for column in columns {
            match column.align {
                Align::Left => {
                    self.text(left + PAD, baseline, Style::Bold, size, BLACK, column.title)
                }
                Align::Right => self.text_right(
                    left + column.width - PAD,
                    baseline,
                    Style::Bold,
                    size,
                    BLACK,
                    column.title,
                ),
            }
            left += column.width;
        }
        self.y -= height;
    }

    /// A table row; on a new page when this one is full, with the header again.
    pub fn table_row(
        &mut self,
        x: f32,
        columns: &[Column],
        size: f32,
        cells: &[String],
        style: Style,
    ) {
        let leading = size * 1.3;
        let wrapped: Vec<Vec<String>> = columns
            .iter()
            .zip(cells)
            .map(|(column, cell)| {
                self.fonts.wrap(
                    style,
                    size,
                    cell,
                    column.width - 2.0 * PAD,
                    column.max_lines,
                )
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * leading + 2.0 * PAD - (leading - size);
        if self.ensure(height + 1.0) {
            self.table_header(x, columns, size);
        }
        let top = self.y;
        let mut left = x;
        for (column, cell_lines) in columns.iter().zip(&wrapped) {
            for (i, line) in cell_lines.iter().enumerate() {
                let baseline = top - PAD - size * 0.85 - i as f32 * leading;
                match column.align {
                    Align::Left => self.text(left + PAD, baseline, style, size, BLACK, line),
                    Align::Right => self.text_right(
                        left + column.width - PAD,
                        baseline,
                        style,
                        size,
                        BLACK,
                        line,
                    ),
                }
            }
            left += column.width;
        }
        self.y -= height;
        let total: f32 = columns.iter().map(|c| c.width).sum();
        self.hline(x, x + total, self.y, 0.4, RULE);
    }

    /// The pages, each with the footer lines and "Page i/n" at the bottom.
    pub fn finish(mut self, footer: &[String]) -> Vec<Page> {
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(count);
        for (i, page) in pages.into_iter().enumerate() {
            self.pages = vec![page];
            self.hline(MARGIN, RIGHT, BOTTOM - 18.0, 0.6, RULE);
            let mut y = BOTTOM - 30.0;
            let lines: Vec<String> = footer
                .iter()
                .flat_map(|line| self.fonts.wrap(Style::Regular, 7.0, line, WIDTH - 130.0, 3))
                .collect();
            for line in &lines {
                self.text_center(PAGE_WIDTH / 2.0, y, Style::Regular, 7.0, line);
                y -= 9.0;
            }
            let number = format!("Page {}/{}", i + 1, count);
            self.text_right(RIGHT, BOTTOM - 30.0, Style::Regular, 7.5, GREY, &number);
            out.append(&mut self.pages);
        }
        out
    }
}
