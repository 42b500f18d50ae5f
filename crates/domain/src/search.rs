//! Teacher search, in memory (ARCHITECTURE P4): a card per bookable
//! teacher, lists of them pre-sorted by each order people sort by (per
//! language taught, and overall), and a query that walks the right list
//! and stops as soon as a page is full. Availability windows are answered
//! from a bitmap of each teacher's slot starts over the next two weeks.

use crate::teaching::Tier;
use std::collections::HashMap;
use uuid::Uuid;

/// Slot starts are kept per quarter hour…
pub const BUCKET_US: i64 = 15 * 60 * 1_000_000;
/// …for two weeks from the index's epoch.
pub const BUCKETS: usize = 14 * 24 * 4;
const WORDS: usize = BUCKETS / 64;

/// A bitmap over the index's two weeks: bit `i` covers the quarter hour
/// `epoch + i × 15 min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Week2([u64; WORDS]);

impl Week2 {
    pub fn set(&mut self, bucket: usize) {
        if bucket < BUCKETS {
            self.0[bucket / 64] |= 1 << (bucket % 64);
        }
    }

    /// Sets every bucket whose start lies in `[from, until)` (µs), relative
    /// to `epoch`.
    pub fn set_range(&mut self, epoch: i64, from: i64, until: i64) {
        let ceil = |x: i64| -(-x).div_euclid(BUCKET_US);
        let first = ceil((from - epoch).max(0));
        let last = ceil(until - epoch).min(BUCKETS as i64);
        for b in first..last {
            self.set(b as usize);
        }
    }

    /// These buckets without those of `other`.
    pub fn without(self, other: &Self) -> Self {
        let mut out = self;
        for (a, b) in out.0.iter_mut().zip(&other.0) {
            *a &= !b;
        }
        out
    }

    pub fn intersects(&self, other: &Self) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The first bucket set at or after `bucket`.
    pub fn first_from(&self, bucket: usize) -> Option<usize> {
        (bucket..BUCKETS).find(|b| self.0[b / 64] & (1 << (b % 64)) != 0)
    }
}

/// One language a teacher teaches, as search sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Taught {
    pub language: String,
    pub native: bool,
    /// The cheapest active offering in this language (minor units).
    pub min_price: i64,
}

/// One bookable teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: Uuid,
    pub display_name: String,
    pub avatar: Option<Uuid>,
    pub tier: Tier,
    /// Only when the teacher shows it to everyone (a filter must not reveal
    /// a hidden country).
    pub country: Option<String>,
    pub headline: Option<String>,
    pub taught: Vec<Taught>,
    pub trial_price: Option<i64>,
    /// Average ×100, and how many reviews.
    pub rating: Option<(i64, i64)>,
    pub slots: Week2,
    /// Lower-cased name, headline and the start of the introduction.
    pub text: String,
}

impl Card {
    fn min_price(&self, language: Option<&str>) -> i64 {
        self.taught
            .iter()
            .filter(|t| language.is_none_or(|l| t.language == l))
            .map(|t| t.min_price)
            .min()
            .unwrap_or(i64::MAX)
    }

    /// Whether `other` takes this card's place in every order and in the
    /// same languages' lists.
    fn sorts_as(&self, other: &Card) -> bool {
        self.id == other.id
            && self.relevance() == other.relevance()
            && self.rating == other.rating
            && self.taught == other.taught
    }

    /// The standing of a teacher when nothing else decides: reviews,
    /// weighted towards the average for few of them, then verified tier.
    fn relevance(&self) -> i64 {
        let (avg, n) = self.rating.unwrap_or((0, 0));
        // A Bayesian average: five virtual reviews of 4.0.
        let score = (avg * n + 400 * 5) / (n + 5);
        score * 10 + i64::from(self.tier == Tier::Professional) * 5 + i64::from(!self.slots.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    PriceLow,
    PriceHigh,
    Rating,
}

impl Sort {
    pub const ALL: [Self; 4] = [Self::Relevance, Self::PriceLow, Self::PriceHigh, Self::Rating];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceLow => "price_low",
            Self::PriceHigh => "price_high",
            Self::Rating => "rating",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A search, already validated.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub language: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only teachers native in `language` (or in any language they teach).
    pub native: bool,
    pub tier: Option<Tier>,
    pub country: Option<String>,
    /// Average ×100.
    pub min_rating: Option<i64>,
    /// Buckets a slot must start in (from the learner's windows); none: any.
    pub windows: Option<Week2>,
    /// Lower-cased words that must all appear.
    pub words: Vec<String>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

impl Query {
    fn matches(&self, c: &Card) -> bool {
        let lang = self.language.as_deref();
        let taught = c.taught.iter().filter(|t| lang.is_none_or(|l| t.language == l));
        let mut any = false;
        let mut ok = false;
        for t in taught {
            any = true;
            let price_ok =
                self.min_price.is_none_or(|m| t.min_price >= m) && self.max_price.is_none_or(|m| t.min_price <= m);
            if price_ok && (!self.native || t.native) {
                ok = true;
                break;
            }
        }
        any && ok
            && self.tier.is_none_or(|t| c.tier == t)
            && self.country.as_ref().is_none_or(|k| c.country.as_ref() == Some(k))
            && self
                .min_rating
                .is_none_or(|m| c.rating.is_some_and(|(avg, _)| avg >= m))
            && self.windows.as_ref().is_none_or(|w| c.slots.intersects(w))
            && self.words.iter().all(|w| c.text.contains(w.as_str()))
    }
}

/// A page of results; `more` tells whether another page follows.
#[derive(Debug)]
pub struct Page<'a> {
    pub cards: Vec<&'a Card>,
    pub more: bool,
}

/// Card positions in each order, for one language (or all).
#[derive(Debug, Default)]
struct Orders {
    relevance: Vec<u32>,
    price: Vec<u32>,
    rating: Vec<u32>,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Start of the availability bitmaps (µs).
    pub epoch: i64,
    cards: Vec<Card>,
    positions: HashMap<Uuid, u32>,
    all: Orders,
    by_language: HashMap<String, Orders>,
}

impl Index {
    pub fn new(epoch: i64, cards: Vec<Card>) -> Self {
        let mut index = Self {
            epoch,
            ..Self::default()
        };
        for c in cards {
            index.positions.insert(c.id, index.cards.len() as u32);
            index.cards.push(c);
        }
        index.reorder();
        index
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    pub fn get(&self, id: Uuid) -> Option<&Card> {
        self.positions.get(&id).map(|i| &self.cards[*i as usize])
    }

    /// Adds, replaces (`Some`) or removes (`None`) one teacher's card.
    pub fn put(&mut self, id: Uuid, card: Option<Card>) {
        match (self.positions.get(&id).copied(), card) {
            (Some(i), Some(c)) => {
                // A card that sorts as before (its free times changed, say)
                // keeps its places: no sort of every card for each booking.
                let sorts_as_before = self.cards[i as usize].sorts_as(&c);
                self.cards[i as usize] = c;
                if sorts_as_before {
                    return;
                }
            }
            (None, Some(c)) => {
                self.positions.insert(id, self.cards.len() as u32);
                self.cards.push(c);
            }
            (Some(i), None) => {
                // The slot stays (positions are stable); it is left out of
                // every order.
                self.positions.remove(&id);
                self.cards[i as usize].taught.clear();
            }
            (None, None) => return,
        }
        self.reorder();
    }

    fn reorder(&mut self) {
        let live: Vec<u32> = self.positions.values().copied().collect();
        let cards = &self.cards;
        let sorted = |ids: &[u32], language: Option<&str>| {
            let mut relevance = ids.to_vec();
            relevance.sort_by_key(|i| (std::cmp::Reverse(cards[*i as usize].relevance()), cards[*i as usize].id));
            let mut price = ids.to_vec();
            price.sort_by_key(|i| (cards[*i as usize].min_price(language), cards[*i as usize].id));
            let mut rating = ids.to_vec();
            rating.sort_by_key(|i| {
                let c = &cards[*i as usize];
                (std::cmp::Reverse(c.rating.map_or((-1, 0), |(a, n)| (a, n))), c.id)
            });
            Orders {
                relevance,
                price,
                rating,
            }
        };
        self.all = sorted(&live, None);
        let mut per: HashMap<String, Vec<u32>> = HashMap::new();
        for i in &live {
            for t in &cards[*i as usize].taught {
                per.entry(t.language.clone()).or_default().push(*i);
            }
        }
        self.by_language = per
            .into_iter()
            .map(|(l, ids)| {
                let o = sorted(&ids, Some(&l));
                (l, o)
            })
            .collect();
    }

    /// Runs a query: walks the list in the asked order and stops once the
    /// page (and one more, to know whether more follow) is found.
    pub fn search(&self, q: &Query) -> Page<'_> {
        let orders = match &q.language {
            Some(l) => match self.by_language.get(l) {
                Some(o) => o,
                None => {
                    return Page {
                        cards: Vec::new(),
                        more: false,
                    };
                }
            },
            None => &self.all,
        };
        let ids: Box<dyn Iterator<Item = &u32>> = match q.sort {
            Sort::Relevance => Box::new(orders.relevance.iter()),
            Sort::PriceLow => Box::new(orders.price.iter()),
            Sort::PriceHigh => Box::new(orders.price.iter().rev()),
            Sort::Rating => Box::new(orders.rating.iter()),
        };
        let mut found = ids
            .map(|i| &self.cards[*i as usize])
            .filter(|c| q.matches(c))
            .skip(q.offset)
            .take(q.limit + 1)
            .collect::<Vec<_>>();
        let more = found.len() > q.limit;
        found.truncate(q.limit);
        Page { cards: found, more }
    }
}

#[cfg(test)]
mod tests;
