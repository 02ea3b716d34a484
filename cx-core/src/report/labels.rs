//! Where the importance–performance chart writes its point labels, so that
//! no label covers another label, another point or a quadrant caption, and
//! none leaves the plot.
//!
//! The rule, greedy and in the order of the points: try the eight places
//! next to the point (right, left, above, below, then the corners); if all
//! are taken, try rings further out, nearest first, and draw a leader line
//! from the point to its label; a label that finds no free place anywhere
//! in the plot is not drawn in it ([`Placement::Below`]): the chart says
//! under the plot how many points it could not label, and each point keeps
//! its name as a tooltip. Text is measured by a deliberately wide
//! estimate ([`text_box`]), so a label drawn by a real font fits in its box.

/// A rectangle in SVG user units: `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    /// Whether the two overlap (touching edges do not).
    pub(crate) fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `self` lies wholly inside `outer`.
    pub(crate) fn inside(&self, outer: &Rect) -> bool {
        self.x0 >= outer.x0 && self.x1 <= outer.x1 && self.y0 >= outer.y0 && self.y1 <= outer.y1
    }

    /// The point of `self` nearest to `(x, y)`.
    fn nearest(&self, x: f64, y: f64) -> (f64, f64) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }
}

/// The font size of a label (CSS `svg{font:11px …}`).
pub(crate) const FONT_PX: f64 = 11.0;
/// The width of one character, an upper bound for the sans-serif fonts a
/// browser picks (DejaVu Sans, the widest usual one, averages 0.6 em).
const CHAR_PX: f64 = 0.68 * FONT_PX;
/// Space kept around a label's text.
const PAD: f64 = 2.0;
/// The radius of a point's marker (`<circle r="5">`).
pub(crate) const MARKER_R: f64 = 5.0;

/// Which point of a label's text its `x` is (SVG `text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// `x` is where the text starts (a label right of its point).
    Start,
    /// `x` is the text's middle (a label above or below its point).
    Middle,
    /// `x` is where the text ends (a label left of its point).
    End,
}

impl Anchor {
    /// The SVG `text-anchor` value.
    pub(crate) fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// The box a label's text takes when its baseline is at `y` and `x` is
/// its `anchor` point. Real text is narrower than the estimate; with the
/// anchor on the side of the point, it still starts next to the point.
pub(crate) fn text_box(text: &str, x: f64, y: f64, anchor: Anchor) -> Rect {
    let w = CHAR_PX * text.chars().count() as f64;
    let left = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - w / 2.0,
        Anchor::End => x - w,
    };
    Rect {
        x0: left - PAD,
        y0: y - FONT_PX - PAD,
        x1: left + w + PAD,
        y1: y + 0.3 * FONT_PX + PAD,
    }
}

/// The box a point's marker takes, with `clearance` around it.
pub(crate) fn marker_box(x: f64, y: f64, clearance: f64) -> Rect {
    let r = MARKER_R + clearance;
    Rect {
        x0: x - r,
        y0: y - r,
        x1: x + r,
        y1: y + r,
    }
}

/// Where one label goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Placement {
    /// In the plot, its baseline starting at `(x, y)`; `leader` when it
    /// stands away from its point and a line joins them, from the point to
    /// `leader`'s end.
    At {
        /// The text's `anchor` point, x.
        x: f64,
        /// Baseline, y.
        y: f64,
        /// Which point of the text `x` is.
        anchor: Anchor,
        /// The far end of the leader line, when there is one.
        leader: Option<(f64, f64)>,
    },
    /// No free place in the plot: not drawn (counted under the plot).
    Below,
}

/// The eight places next to a point: offsets of the text's box corner from
/// the point, as fractions of the box (`(dx, dy)` in label widths/heights).
const NEXT_TO: [(f64, f64); 8] = [
    (0.0, -0.5),
    (-1.0, -0.5),
    (-0.5, -1.0),
    (-0.5, 0.0),
    (0.0, -1.0),
    (-1.0, -1.0),
    (0.0, 0.0),
    (-1.0, 0.0),
];

/// Above this many points, labels go only next to their point (no rings):
/// the search stays linear in the points for a plan with thousands of
/// attributes.
const RINGS_UP_TO: usize = 80;

/// How far a label keeps from a point that is not its own, so that it is
/// not read as that point's label.
const FOREIGN_CLEARANCE: f64 = 6.0;

/// A leader line is drawn when the label's box is further than this from
/// its point's centre.
const LEADER_FROM: f64 = MARKER_R + 6.0;

/// Places the labels `texts[i]` of the points `points[i]` inside `plot`,
/// clear of each other, of every marker but their own, and of `obstacles`.
pub(crate) fn place(
    points: &[(f64, f64)],
    texts: &[&str],
    plot: Rect,
    obstacles: &[Rect],
) -> Vec<Placement> {
    let markers: Vec<Rect> = points
        .iter()
        .map(|&(x, y)| marker_box(x, y, FOREIGN_CLEARANCE))
        .collect();
    let mut taken: Vec<Rect> = obstacles.to_vec();
    let mut out = Vec::with_capacity(points.len());
    let ring_count = if points.len() <= RINGS_UP_TO { 40 } else { 0 };
    for (i, (&(px, py), text)) in points.iter().zip(texts).enumerate() {
        let probe = text_box(text, 0.0, 0.0, Anchor::Start);
        let (w, h) = (probe.x1 - probe.x0, probe.y1 - probe.y0);
        let free = |r: &Rect| {
            r.inside(&plot)
                && !taken.iter().any(|t| t.intersects(r))
                && !markers
                    .iter()
                    .enumerate()
                    .any(|(j, m)| j != i && m.intersects(r))
        };
        let gap = MARKER_R + 2.0;
        let near = NEXT_TO.iter().map(|&(fx, fy)| {
            let side = |f: f64| {
                if f < -0.75 {
                    -gap
                } else if f > -0.25 {
                    gap
                } else {
                    0.0
                }
            };
            (px + fx * w + side(fx), py + fy * h + side(fy))
        });
        let rings = (1..=ring_count).flat_map(|k| {
            let r = gap + 8.0 * k as f64;
            (0..24).map(move |s| {
                let a = std::f64::consts::TAU * s as f64 / 24.0;
                (px + r * a.cos() - w / 2.0, py + r * a.sin() - h / 2.0)
            })
        });
        let found = near.chain(rings).find_map(|(x0, y0)| {
            let r = Rect {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + h,
            };
            free(&r).then(|| (r, at(r, (px, py), w)))
        });
        match found {
            Some((r, p)) => {
                taken.push(r);
                out.push(p);
            }
            None => out.push(Placement::Below),
        }
    }
    out
}

/// The text position, anchor and leader of a label whose box is `r`, for
/// the point `(px, py)`: the text hugs the side of the box facing the point.
fn at(r: Rect, (px, py): (f64, f64), w: f64) -> Placement {
    let dx = (r.x0 + r.x1) / 2.0 - px;
    let (x, anchor) = if dx > w / 4.0 {
        (r.x0 + PAD, Anchor::Start)
    } else if dx < -w / 4.0 {
        (r.x1 - PAD, Anchor::End)
    } else {
        ((r.x0 + r.x1) / 2.0, Anchor::Middle)
    };
    let (nx, ny) = r.nearest(px, py);
    let far = (nx - px).hypot(ny - py) > LEADER_FROM;
    Placement::At {
        x,
        y: r.y0 + FONT_PX + PAD,
        anchor,
        leader: far.then_some((nx, ny)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOT: Rect = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 400.0,
        y1: 300.0,
    };

    fn boxes(points: &[(f64, f64)], texts: &[&str], placed: &[Placement]) -> Vec<Option<Rect>> {
        assert_eq!(placed.len(), points.len());
        placed
            .iter()
            .zip(texts)
            .map(|(p, t)| match *p {
                Placement::At { x, y, anchor, .. } => Some(text_box(t, x, y, anchor)),
                Placement::Below => None,
            })
            .collect()
    }

    /// No two labels meet, no label covers another point, all in the plot.
    fn check(points: &[(f64, f64)], texts: &[&str], obstacles: &[Rect]) -> usize {
        let placed = place(points, texts, PLOT, obstacles);
        let b = boxes(points, texts, &placed);
        for (i, r) in b.iter().enumerate() {
            let Some(r) = r else { continue };
            assert!(r.inside(&PLOT), "{i} {r:?}");
            assert!(!obstacles.iter().any(|o| o.intersects(r)), "{i}");
            for (j, s) in b.iter().enumerate() {
                if j != i {
                    assert!(s.is_none_or(|s| !s.intersects(r)), "labels {i} and {j}");
                    let (x, y) = points[j];
                    assert!(
                        !marker_box(x, y, 1.0).intersects(r),
                        "label {i} on point {j}"
                    );
                }
            }
        }
        b.iter().filter(|r| r.is_none()).count()
    }

    #[test]
    fn a_lone_point_is_labelled_on_its_right() {
        let placed = place(&[(100.0, 100.0)], &["att-a"], PLOT, &[]);
        let Placement::At {
            x, anchor, leader, ..
        } = placed[0]
        else {
            panic!("{placed:?}")
        };
        assert!(x > 100.0 && anchor == Anchor::Start && leader.is_none());
    }

    #[test]
    fn a_point_at_the_right_edge_is_labelled_on_its_left() {
        let placed = place(&[(395.0, 100.0)], &["att-a"], PLOT, &[]);
        let Placement::At { x, anchor, .. } = placed[0] else {
            panic!("{placed:?}")
        };
        assert!(x < 395.0 && anchor == Anchor::End);
    }

    #[test]
    fn a_cluster_gets_clear_labels_with_leader_lines() {
        // Twelve points within a few units: the old rule (text right of the
        // point) put every label on top of the next.
        let points: Vec<(f64, f64)> = (0..12)
            .map(|i| (200.0 + (i % 4) as f64 * 3.0, 150.0 + (i / 4) as f64 * 3.0))
            .collect();
        let names: Vec<String> = (0..12).map(|i| format!("attribute-{i}")).collect();
        let texts: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(check(&points, &texts, &[]), 0);
        let placed = place(&points, &texts, PLOT, &[]);
        assert!(placed.iter().any(|p| matches!(
            p,
            Placement::At {
                leader: Some(_),
                ..
            }
        )));
    }

    #[test]
    fn obstacles_are_avoided() {
        let caption = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 150.0,
            y1: 20.0,
        };
        assert_eq!(check(&[(20.0, 12.0)], &["att-a"], &[caption]), 0);
    }

    #[test]
    fn a_full_plot_lists_what_does_not_fit() {
        let points: Vec<(f64, f64)> = (0..200)
            .map(|i| ((i % 20) as f64 * 20.0 + 10.0, (i / 20) as f64 * 30.0 + 7.0))
            .collect();
        let names: Vec<String> = (0..200).map(|i| format!("a-long-attribute-{i}")).collect();
        let texts: Vec<&str> = names.iter().map(String::as_str).collect();
        assert!(check(&points, &texts, &[]) > 0);
    }
}
