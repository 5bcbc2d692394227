//! Fitting requested quantities to the stock available, for "go on with what is
//! available".

use domain::ids::ArticleId;
use ports::Shortage;

/// One line as far as stock is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockLine {
    /// The article.
    pub article: ArticleId,
    /// The quantity asked.
    pub quantity: u32,
    /// The article's minimum quantity per delivery.
    pub minimum: u32,
}

/// The quantity each line can have given the shortages: lines of articles that are not
/// short keep their quantity; for a short article, the units available go to its lines in
/// order, each taking what it asked or what is left; a line left with less than the
/// article's minimum gets 0 (it is dropped) and leaves its units to the next lines.
pub fn fit_to_stock(lines: &[StockLine], shortages: &[Shortage]) -> Vec<u32> {
    let mut left: Vec<(ArticleId, u32)> =
        shortages.iter().map(|s| (s.article, s.available)).collect();
    lines
        .iter()
        .map(
            |line| match left.iter_mut().find(|(a, _)| *a == line.article) {
                None => line.quantity,
                Some((_, available)) => {
                    let granted = line.quantity.min(*available);
                    if granted == 0 || granted < line.minimum {
                        0
                    } else {
                        *available -= granted;
                        granted
                    }
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use domain::catalogue::ArticleReference;

    use super::*;

    fn short(article: u128, requested: u64, available: u32) -> Shortage {
        Shortage {
            article: ArticleId::from_u128(article),
            reference: ArticleReference::new("X").unwrap(),
            requested,
            available,
        }
    }

    fn line(article: u128, quantity: u32, minimum: u32) -> StockLine {
        StockLine {
            article: ArticleId::from_u128(article),
            quantity,
            minimum,
        }
    }

    #[test]
    fn short_articles_are_shared_in_line_order() {
        let lines = [line(1, 5, 1), line(2, 3, 1), line(1, 4, 1)];
        assert_eq!(fit_to_stock(&lines, &[short(1, 9, 7)]), vec![5, 3, 2]);
        assert_eq!(fit_to_stock(&lines, &[short(1, 9, 0)]), vec![0, 3, 0]);
    }

    #[test]
    fn a_line_below_its_minimum_is_dropped_and_leaves_its_units() {
        let lines = [line(1, 10, 5), line(1, 2, 1)];
        assert_eq!(fit_to_stock(&lines, &[short(1, 12, 4)]), vec![0, 2]);
    }
}
