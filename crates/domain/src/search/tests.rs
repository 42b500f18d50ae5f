use super::*;
use proptest::prelude::*;

fn card(
    n: u128,
    langs: &[(&str, bool, i64)],
    tier: Tier,
    country: Option<&str>,
    rating: Option<(i64, i64)>,
    slots: &[usize],
    text: &str,
) -> Card {
    let mut w = Week2::default();
    for s in slots {
        w.set(*s);
    }
    Card {
        id: Uuid::from_u128(n),
        display_name: format!("Teacher {n}"),
        avatar: None,
        tier,
        country: country.map(str::to_owned),
        headline: None,
        taught: langs
            .iter()
            .map(|(l, native, price)| Taught {
                language: (*l).to_owned(),
                native: *native,
                min_price: *price,
            })
            .collect(),
        trial_price: None,
        rating,
        slots: w,
        text: text.to_lowercase(),
    }
}

fn sample() -> Index {
    Index::new(
        0,
        vec![
            card(
                1,
                &[("es", true, 2000), ("en", false, 2500)],
                Tier::Professional,
                Some("ES"),
                Some((480, 20)),
                &[10, 11],
                "Ana grammar DELE",
            ),
            card(
                2,
                &[("es", false, 1200)],
                Tier::Community,
                Some("MX"),
                Some((450, 3)),
                &[500],
                "Luis conversation",
            ),
            card(
                3,
                &[("en", true, 3000)],
                Tier::Professional,
                None,
                None,
                &[],
                "Mary business english",
            ),
            card(
                4,
                &[("es", true, 900)],
                Tier::Community,
                Some("AR"),
                Some((300, 40)),
                &[11],
                "Sofía kids",
            ),
        ],
    )
}

fn ids(p: &Page<'_>) -> Vec<u128> {
    p.cards.iter().map(|c| c.id.as_u128()).collect()
}

fn q() -> Query {
    Query {
        limit: 10,
        ..Query::default()
    }
}

#[test]
fn each_filter_alone_and_combined() {
    let i = sample();
    let es = Query {
        language: Some("es".into()),
        ..q()
    };
    let mut got = ids(&i.search(&es));
    got.sort();
    assert_eq!(got, [1, 2, 4]);
    assert_eq!(
        ids(&i.search(&Query {
            native: true,
            ..es.clone()
        }))
        .len(),
        2
    );
    assert_eq!(
        ids(&i.search(&Query {
            tier: Some(Tier::Professional),
            ..es.clone()
        })),
        [1]
    );
    assert_eq!(
        ids(&i.search(&Query {
            country: Some("MX".into()),
            ..q()
        })),
        [2]
    );
    assert!(
        i.search(&Query {
            country: Some("US".into()),
            ..q()
        })
        .cards
        .is_empty(),
        "a hidden country matches nothing"
    );
    assert_eq!(
        ids(&i.search(&Query {
            min_rating: Some(460),
            ..q()
        })),
        [1]
    );
    assert_eq!(
        ids(&i.search(&Query {
            max_price: Some(1500),
            ..es.clone()
        }))
        .len(),
        2
    );
    let mut dear = ids(&i.search(&Query {
        min_price: Some(2200),
        ..q()
    }));
    dear.sort();
    assert_eq!(dear, [1, 3], "Ana's English is 25.00; Mary's 30.00");
    let mut window = Week2::default();
    window.set(11);
    assert_eq!(
        {
            let mut v = ids(&i.search(&Query {
                windows: Some(window),
                ..es.clone()
            }));
            v.sort();
            v
        },
        [1, 4]
    );
    assert_eq!(
        ids(&i.search(&Query {
            words: vec!["grammar".into()],
            ..q()
        })),
        [1]
    );
    // All together.
    let all = Query {
        language: Some("es".into()),
        native: true,
        max_price: Some(2100),
        windows: Some(window),
        min_rating: Some(400),
        words: vec!["ana".into()],
        ..q()
    };
    assert_eq!(ids(&i.search(&all)), [1]);
}

#[test]
fn sorts_and_pages() {
    let i = sample();
    let es = Query {
        language: Some("es".into()),
        ..q()
    };
    assert_eq!(
        ids(&i.search(&Query {
            sort: Sort::PriceLow,
            ..es.clone()
        })),
        [4, 2, 1]
    );
    assert_eq!(
        ids(&i.search(&Query {
            sort: Sort::PriceHigh,
            ..es.clone()
        })),
        [1, 2, 4]
    );
    assert_eq!(
        ids(&i.search(&Query {
            sort: Sort::Rating,
            ..es.clone()
        })),
        [1, 2, 4]
    );
    let first = i.search(&Query {
        limit: 2,
        sort: Sort::PriceLow,
        ..es.clone()
    });
    assert_eq!((ids(&first), first.more), (vec![4, 2], true));
    let second = i.search(&Query {
        limit: 2,
        offset: 2,
        sort: Sort::PriceLow,
        ..es
    });
    assert_eq!((ids(&second), second.more), (vec![1], false));
}

#[test]
fn cards_are_replaced_and_removed() {
    let mut i = sample();
    i.put(Uuid::from_u128(2), None);
    assert_eq!(i.len(), 3);
    assert!(!ids(&i.search(&q())).contains(&2));
    i.put(
        Uuid::from_u128(9),
        Some(card(9, &[("fr", true, 1000)], Tier::Community, None, None, &[], "Jean")),
    );
    assert_eq!(
        ids(&i.search(&Query {
            language: Some("fr".into()),
            ..q()
        })),
        [9]
    );
    assert!(i.get(Uuid::from_u128(9)).is_some());
}

#[test]
fn bitmaps() {
    let mut w = Week2::default();
    w.set_range(0, BUCKET_US * 3, BUCKET_US * 5 + 1);
    assert_eq!(w.first_from(0), Some(3));
    assert_eq!(w.first_from(4), Some(4));
    assert_eq!(w.first_from(6), None, "a bucket counts if it starts in the range");
    w.set(BUCKETS + 3);
    assert!(!w.is_empty());
}

fn oracle<'a>(cards: &'a [Card], q: &Query) -> Vec<&'a Card> {
    let mut found: Vec<&Card> = cards.iter().filter(|c| q.matches(c)).collect();
    let lang = q.language.as_deref();
    match q.sort {
        Sort::Relevance => found.sort_by_key(|c| (std::cmp::Reverse(c.relevance()), c.id)),
        Sort::PriceLow => found.sort_by_key(|c| (c.min_price(lang), c.id)),
        Sort::PriceHigh => {
            found.sort_by_key(|c| (c.min_price(lang), c.id));
            found.reverse();
        }
        Sort::Rating => found.sort_by_key(|c| (std::cmp::Reverse(c.rating.unwrap_or((-1, 0))), c.id)),
    }
    found.into_iter().skip(q.offset).take(q.limit).collect()
}

const LANGS: [&str; 4] = ["en", "es", "ja", "fr"];

fn cards() -> impl Strategy<Value = Vec<Card>> {
    proptest::collection::vec(
        (
            proptest::collection::vec((0usize..4, any::<bool>(), 500i64..5000), 1..3),
            any::<bool>(),
            proptest::option::of(0usize..3),
            proptest::option::of((100i64..500, 1i64..50)),
            proptest::collection::vec(0usize..BUCKETS, 0..5),
        ),
        0..40,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(n, (langs, pro, country, rating, slots))| {
                let mut seen = Vec::new();
                let langs: Vec<(&str, bool, i64)> = langs
                    .into_iter()
                    .filter(|(l, ..)| {
                        let new = !seen.contains(l);
                        seen.push(*l);
                        new
                    })
                    .map(|(l, nat, p)| (LANGS[l], nat, p))
                    .collect();
                let tier = if pro { Tier::Professional } else { Tier::Community };
                card(
                    n as u128 + 1,
                    &langs,
                    tier,
                    country.map(|c| ["ES", "MX", "JP"][c]),
                    rating,
                    &slots,
                    &format!("name{}", n % 7),
                )
            })
            .collect()
    })
}

proptest! {
    /// Cards replaced one by one (new free times, a new rating) search as
    /// an index built afresh from the new cards.
    #[test]
    fn replaced_cards_search_as_a_fresh_index(
        cards in cards(),
        changes in proptest::collection::vec((0usize..40, proptest::option::of(0usize..BUCKETS), any::<bool>()), 0..12),
        sort in 0usize..4,
        language in proptest::option::of(0usize..4),
    ) {
        let mut index = Index::new(0, cards.clone());
        let mut now = cards.clone();
        for (which, slot, rate) in changes {
            if now.is_empty() {
                break;
            }
            let mut c = now[which % now.len()].clone();
            c.slots = Week2::default();
            if let Some(s) = slot {
                c.slots.set(s);
            }
            if rate {
                c.rating = Some((450, 9));
            }
            index.put(c.id, Some(c.clone()));
            let at = which % now.len();
            now[at] = c;
        }
        let q = Query {
            language: language.map(|l| LANGS[l].to_owned()),
            sort: Sort::ALL[sort],
            limit: 50,
            ..Query::default()
        };
        let got: Vec<Uuid> = index.search(&q).cards.iter().map(|c| c.id).collect();
        let want: Vec<Uuid> = Index::new(0, now).search(&q).cards.iter().map(|c| c.id).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn search_equals_filtering_and_sorting_everything(
        cards in cards(),
        language in proptest::option::of(0usize..4),
        native: bool,
        prices in (proptest::option::of(500i64..5000), proptest::option::of(500i64..5000)),
        pro in proptest::option::of(any::<bool>()),
        min_rating in proptest::option::of(100i64..500),
        window in proptest::option::of((0usize..BUCKETS, 1usize..400)),
        word in proptest::option::of(0usize..7),
        sort in 0usize..4,
        offset in 0usize..5,
        limit in 1usize..8,
    ) {
        let index = Index::new(0, cards.clone());
        let windows = window.map(|(a, n)| {
            let mut w = Week2::default();
            for b in a..(a + n).min(BUCKETS) {
                w.set(b);
            }
            w
        });
        let q = Query {
            language: language.map(|l| LANGS[l].to_owned()),
            native,
            min_price: prices.0,
            max_price: prices.1,
            tier: pro.map(|p| if p { Tier::Professional } else { Tier::Community }),
            country: None,
            min_rating,
            windows,
            words: word.map(|w| vec![format!("name{w}")]).unwrap_or_default(),
            sort: Sort::ALL[sort],
            offset,
            limit,
        };
        let got: Vec<Uuid> = index.search(&q).cards.iter().map(|c| c.id).collect();
        let want: Vec<Uuid> = oracle(&cards, &q).iter().map(|c| c.id).collect();
        prop_assert_eq!(got, want);
    }
}
