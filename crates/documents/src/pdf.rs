//! The PDF machinery: the embedded fonts, pages as lists of drawing operations, and the
//! writing of a PDF/A-3b file (subset TrueType fonts with ToUnicode maps, XMP metadata,
//! sRGB output intent, an optional associated XML file for Factur-X).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pdf_writer::types::{AssociationKind, CidFontType, FontFlags, OutputIntentSubtype, SystemInfo};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ttf_parser::{Face, GlyphId};

use crate::xml::escape;
use crate::DocumentError;

/// A4, in points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4, in points.
pub const PAGE_HEIGHT: f32 = 841.89;

static REGULAR: &[u8] = include_bytes!("../assets/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../assets/LiberationSans-Bold.ttf");
static SRGB: &[u8] = include_bytes!("../assets/sRGB.icc");

/// The two faces documents are set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Liberation Sans.
    Regular,
    /// Liberation Sans Bold.
    Bold,
}

/// An RGB colour, components from 0 to 1.
pub type Rgb = [f32; 3];

/// Black text.
pub const BLACK: Rgb = [0.1, 0.1, 0.12];
/// Secondary text.
pub const GREY: Rgb = [0.4, 0.4, 0.45];
/// Rules and frames.
pub const RULE: Rgb = [0.75, 0.77, 0.8];
/// Table headers and highlighted boxes.
pub const SHADE: Rgb = [0.92, 0.94, 0.96];
/// Titles.
pub const ACCENT: Rgb = [0.11, 0.27, 0.45];

/// The faces, parsed once per document.
pub struct Fonts {
    regular: Face<'static>,
    bold: Face<'static>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts")
    }
}

impl Fonts {
    /// Parses the embedded faces.
    pub fn load() -> Result<Self, DocumentError> {
        let parse = |data: &'static [u8]| {
            Face::parse(data, 0).map_err(|e| DocumentError::Font(e.to_string()))
        };
        Ok(Fonts {
            regular: parse(REGULAR)?,
            bold: parse(BOLD)?,
        })
    }

    fn face(&self, style: Style) -> &Face<'static> {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    /// The glyph drawn for `c`: its own, or `?` when the face lacks it (never .notdef).
    fn glyph(&self, style: Style, c: char) -> (GlyphId, char) {
        let face = self.face(style);
        let c = if c == '\u{a0}' || c == '\u{202f}' {
            ' '
        } else {
            c
        };
        match face.glyph_index(c) {
            Some(id) if id.0 != 0 => (id, c),
            _ => (face.glyph_index('?').unwrap_or(GlyphId(0)), '?'),
        }
    }

    /// The advance of a glyph in thousandths of the font size.
    fn advance(&self, style: Style, glyph: GlyphId) -> f32 {
        let face = self.face(style);
        let units = f32::from(face.units_per_em().max(1));
        f32::from(face.glyph_hor_advance(glyph).unwrap_or(0)) * 1000.0 / units
    }

    /// The width of `text` set in `style` at `size` points.
    pub fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        text.chars()
            .map(|c| self.advance(style, self.glyph(style, c).0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// `text` broken into lines no wider than `width`, at most `max_lines` of them; the last
    /// line ends with `…` when text had to be left out.
    pub fn wrap(
        &self,
        style: Style,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for paragraph in text.split('\n') {
            let mut current = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if current.is_empty() {
                    word.to_owned()
                } else {
                    format!("{current} {word}")
                };
                if self.width(style, size, &candidate) <= width {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                // A word wider than the column is cut wherever it must be.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(style, size, &piece) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                current = piece;
            }
            lines.push(current);
        }
        if lines.len() > max_lines.max(1) {
            lines.truncate(max_lines.max(1));
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.width(style, size, &format!("{last}…")) > width {
                    last.pop();
                }
                let trimmed = last.trim_end().to_owned();
                *last = format!("{trimmed}…");
            }
        }
        lines
    }
}

/// One drawing operation, in points from the bottom left corner of the page.
#[derive(Debug, Clone)]
pub enum Op {
    /// A line of text, its baseline starting at (x, y).
    Text {
        /// Left.
        x: f32,
        /// Baseline.
        y: f32,
        /// Face.
        style: Style,
        /// Size in points.
        size: f32,
        /// Colour.
        color: Rgb,
        /// The text.
        text: String,
    },
    /// A filled rectangle.
    Fill {
        /// Left.
        x: f32,
        /// Bottom.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Colour.
        color: Rgb,
    },
    /// A straight line.
    Line {
        /// Start.
        from: (f32, f32),
        /// End.
        to: (f32, f32),
        /// Thickness.
        width: f32,
        /// Colour.
        color: Rgb,
    },
}

/// A page: what is drawn on it, in order.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The operations.
    pub ops: Vec<Op>,
}

/// A file associated with the document (PDF/A-3), e.g. the Factur-X XML.
#[derive(Debug)]
pub struct Attachment<'a> {
    /// Its file name.
    pub name: &'a str,
    /// Its MIME type.
    pub mime: &'a [u8],
    /// Its description.
    pub description: &'a str,
    /// Its content.
    pub data: &'a [u8],
}

/// The Factur-X properties written into the XMP metadata.
#[derive(Debug)]
pub struct FacturX<'a> {
    /// `INVOICE`.
    pub document_type: &'a str,
    /// `EN 16931`.
    pub conformance_level: &'a str,
}

/// What the document says about itself (Info dictionary and XMP, kept consistent).
#[derive(Debug)]
pub struct Meta<'a> {
    /// Title.
    pub title: String,
    /// Author: the seller.
    pub author: String,
    /// Subject.
    pub subject: String,
    /// Creation (and modification) date.
    pub created: OffsetDateTime,
    /// The associated XML file, for a Factur-X invoice.
    pub attachment: Option<Attachment<'a>>,
    /// The Factur-X properties, for a Factur-X invoice.
    pub facturx: Option<FacturX<'a>>,
}

const PRODUCER: &str = "OMS documents";

/// Glyphs used from one face, with the subset's new glyph ids.
struct UsedGlyphs {
    remapper: GlyphRemapper,
    /// New glyph id → (character, advance in thousandths).
    chars: BTreeMap<u16, (char, f32)>,
}

impl UsedGlyphs {
    fn new() -> Self {
        UsedGlyphs {
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        }
    }

    /// The 2-byte codes (the subset's glyph ids, CIDs with an identity map) for `text`.
    fn encode(&mut self, fonts: &Fonts, style: Style, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (glyph, shown) = fonts.glyph(style, c);
            let new = self.remapper.remap(glyph.0);
            self.chars
                .entry(new)
                .or_insert_with(|| (shown, fonts.advance(style, glyph)));
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A 64-bit FNV-1a hash, for the document id and the subset tags: the same document gives
/// the same bytes.
fn fnv(seed: u64, data: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for byte in data {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn pdf_date(at: OffsetDateTime) -> Date {
    let offset = at.offset();
    let (hours, minutes, _) = offset.as_hms();
    Date::new(u16::try_from(at.year()).unwrap_or(2000))
        .month(u8::from(at.month()))
        .day(at.day())
        .hour(at.hour())
        .minute(at.minute())
        .second(at.second())
        .utc_offset_hour(hours)
        .utc_offset_minute(minutes.unsigned_abs())
}

fn xmp_date(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn xmp(meta: &Meta<'_>) -> String {
    let date = xmp_date(meta.created);
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str(
        "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n",
    );
    x.push_str("<pdfaid:part>3</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n");
    x.push_str("</rdf:Description>\n");
    let _ = write!(
        x,
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         <dc:format>application/pdf</dc:format>\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n\
         </rdf:Description>\n",
        escape(&meta.title),
        escape(&meta.author),
        escape(&meta.subject)
    );
    let _ = write!(
        x,
        "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
         <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n\
         <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         </rdf:Description>\n\
         <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
         <pdf:Producer>{PRODUCER}</pdf:Producer>\n\
         </rdf:Description>\n"
    );
    if let (Some(fx), Some(file)) = (&meta.facturx, &meta.attachment) {
        let _ = write!(
            x,
            "<rdf:Description rdf:about=\"\" xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\">\n\
             <fx:DocumentType>{}</fx:DocumentType>\n\
             <fx:DocumentFileName>{}</fx:DocumentFileName>\n\
             <fx:Version>1.0</fx:Version>\n\
             <fx:ConformanceLevel>{}</fx:ConformanceLevel>\n\
             </rdf:Description>\n",
            escape(fx.document_type),
            escape(file.name),
            escape(fx.conformance_level)
        );
        x.push_str(
            "<rdf:Description rdf:about=\"\" \
             xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
             xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
             xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
             <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
             <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\n\
             <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>\n\
             <pdfaSchema:prefix>fx</pdfaSchema:prefix>\n\
             <pdfaSchema:property><rdf:Seq>\n",
        );
        for (name, description) in [
            ("DocumentFileName", "The name of the embedded XML document"),
            (
                "DocumentType",
                "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
            ),
            (
                "Version",
                "The actual version of the standard applying to the embedded XML document",
            ),
            (
                "ConformanceLevel",
                "The conformance level of the embedded XML document",
            ),
        ] {
            let _ = writeln!(
                x,
                "<rdf:li rdf:parseType=\"Resource\">\
                 <pdfaProperty:name>{name}</pdfaProperty:name>\
                 <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
                 <pdfaProperty:category>external</pdfaProperty:category>\
                 <pdfaProperty:description>{description}</pdfaProperty:description>\
                 </rdf:li>"
            );
        }
        x.push_str(
            "</rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n",
        );
    }
    x.push_str("</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    x
}

/// Allocates object numbers in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// Writes the pages as a PDF/A-3b document.
pub fn write(fonts: &Fonts, pages: &[Page], meta: &Meta<'_>) -> Result<Vec<u8>, DocumentError> {
    let mut refs = Refs(0);
    let catalog_id = refs.next();
    let tree_id = refs.next();
    let info_id = refs.next();
    let metadata_id = refs.next();
    let icc_id = refs.next();

    // Content streams first: they decide which glyphs each subset keeps.
    let mut regular = UsedGlyphs::new();
    let mut bold = UsedGlyphs::new();
    let mut contents = Vec::with_capacity(pages.len());
    for page in pages {
        let mut content = Content::new();
        for op in &page.ops {
            match op {
                Op::Fill { x, y, w, h, color } => {
                    content.set_fill_rgb(color[0], color[1], color[2]);
                    content.rect(*x, *y, *w, *h);
                    content.fill_nonzero();
                }
                Op::Line {
                    from,
                    to,
                    width,
                    color,
                } => {
                    content.set_stroke_rgb(color[0], color[1], color[2]);
                    content.set_line_width(*width);
                    content.move_to(from.0, from.1);
                    content.line_to(to.0, to.1);
                    content.stroke();
                }
                Op::Text {
                    x,
                    y,
                    style,
                    size,
                    color,
                    text,
                } => {
                    let (name, used) = match style {
                        Style::Regular => (Name(b"F1"), &mut regular),
                        Style::Bold => (Name(b"F2"), &mut bold),
                    };
                    let bytes = used.encode(fonts, *style, text);
                    content.set_fill_rgb(color[0], color[1], color[2]);
                    content.begin_text();
                    content.set_font(name, *size);
                    content.next_line(*x, *y);
                    content.show(Str(&bytes));
                    content.end_text();
                }
            }
        }
        contents.push(content.finish());
    }

    let mut pdf = Pdf::new();
    let mut hash_input = Vec::new();
    for content in &contents {
        hash_input.extend_from_slice(content.as_slice());
    }
    if let Some(file) = &meta.attachment {
        hash_input.extend_from_slice(file.data);
    }
    hash_input.extend_from_slice(meta.title.as_bytes());
    let id_bytes: Vec<u8> = [fnv(1, &hash_input), fnv(2, &hash_input)]
        .iter()
        .flat_map(|h| h.to_be_bytes())
        .collect();
    pdf.set_file_id((id_bytes.clone(), id_bytes));

    // Fonts.
    let mut font_refs: Vec<(Name<'static>, Ref)> = Vec::new();
    for (style, used, resource, base) in [
        (Style::Regular, &regular, Name(b"F1"), "LiberationSans"),
        (Style::Bold, &bold, Name(b"F2"), "LiberationSans-Bold"),
    ] {
        if used.chars.is_empty() {
            continue;
        }
        let data = match style {
            Style::Regular => REGULAR,
            Style::Bold => BOLD,
        };
        let subset = subsetter::subset(data, 0, &used.remapper)
            .map_err(|e| DocumentError::Font(format!("{e:?}")))?;
        let gids: Vec<u8> = used.chars.keys().flat_map(|g| g.to_be_bytes()).collect();
        let tag: String = {
            let mut h = fnv(u64::from(resource.0[1]), &gids);
            (0..6)
                .map(|_| {
                    let letter = char::from(b'A' + (h % 26) as u8);
                    h /= 26;
                    letter
                })
                .collect()
        };
        let base_font = format!("{tag}+{base}");
        let type0_id = refs.next();
        let cid_id = refs.next();
        let descriptor_id = refs.next();
        let file_id = refs.next();
        let cmap_id = refs.next();
        font_refs.push((resource, type0_id));

        pdf.type0_font(type0_id)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = cid.widths();
            // .notdef (new glyph 0) is in every subset.
            let notdef = fonts.advance(style, GlyphId(0));
            widths.consecutive(0, [notdef]);
            for (gid, (_, advance)) in &used.chars {
                if *gid != 0 {
                    widths.consecutive(*gid, [*advance]);
                }
            }
        }
        cid.finish();

        let face = fonts.face(style);
        let scale = 1000.0 / f32::from(face.units_per_em().max(1));
        let bbox = face.global_bounding_box();
        let mut flags = FontFlags::NON_SYMBOLIC;
        if style == Style::Bold {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor_id)
            .name(Name(base_font.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(if style == Style::Bold { 140.0 } else { 80.0 })
            .font_file2(file_id);
        let compressed = deflate(&subset);
        pdf.stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(subset.len()).unwrap_or(i32::MAX),
            );

        let mut cmap = pdf_writer::types::UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (gid, (c, _)) in &used.chars {
            cmap.pair(*gid, *c);
        }
        let cmap_data = cmap.finish();
        pdf.cmap(cmap_id, cmap_data.as_slice())
            .name(Name(b"Custom"))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            });
    }

    // Pages.
    let mut page_ids = Vec::with_capacity(pages.len());
    for content in &contents {
        let page_id = refs.next();
        let content_id = refs.next();
        page_ids.push(page_id);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(content_id);
        {
            let mut resources = page.resources();
            let mut dict = resources.fonts();
            for (name, id) in &font_refs {
                dict.pair(*name, *id);
            }
        }
        page.finish();
        let compressed = deflate(content.as_slice());
        pdf.stream(content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));

    // Associated file.
    let filespec_id = match &meta.attachment {
        Some(file) => {
            let embedded_id = refs.next();
            let filespec_id = refs.next();
            let compressed = deflate(file.data);
            let mut embedded = pdf.embedded_file(embedded_id, &compressed);
            embedded.filter(Filter::FlateDecode);
            embedded.subtype(Name(file.mime));
            embedded
                .params()
                .size(i32::try_from(file.data.len()).unwrap_or(i32::MAX))
                .modification_date(pdf_date(meta.created));
            embedded.finish();
            let mut spec = pdf.file_spec(filespec_id);
            spec.path(Str(file.name.as_bytes()))
                .unic_file(TextStr(file.name))
                .description(TextStr(file.description))
                .association_kind(AssociationKind::Data);
            spec.insert(Name(b"EF"))
                .dict()
                .pair(Name(b"F"), embedded_id)
                .pair(Name(b"UF"), embedded_id);
            spec.finish();
            Some((filespec_id, file.name))
        }
        None => None,
    };

    // Output intent profile and metadata.
    let icc = deflate(SRGB);
    pdf.icc_profile(icc_id, &icc)
        .n(3)
        .filter(Filter::FlateDecode);
    let xmp = xmp(meta);
    pdf.metadata(metadata_id, xmp.as_bytes());

    let date = pdf_date(meta.created);
    pdf.document_info(info_id)
        .title(TextStr(&meta.title))
        .author(TextStr(&meta.author))
        .subject(TextStr(&meta.subject))
        .creator(TextStr(PRODUCER))
        .producer(TextStr(PRODUCER))
        .creation_date(date)
        .modified_date(date);

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id).metadata(metadata_id);
    catalog.lang(TextStr("fr-FR"));
    catalog
        .output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(icc_id);
    if let Some((filespec_id, name)) = filespec_id {
        catalog
            .names()
            .embedded_files()
            .names()
            .insert(Str(name.as_bytes()), filespec_id);
        catalog.insert(Name(b"AF")).array().item(filespec_id);
        catalog.pair(Name(b"PageMode"), Name(b"UseAttachments"));
    }
    catalog.finish();

    Ok(pdf.finish())
}
