//! Finding teachers: the in-memory index (`koine_domain::search`) built
//! from the database at start-up and every hour, kept current as teachers
//! change, and queries parsed from what learners type — availability
//! windows in the learner's own time zone included.
//!
//! The database stays the source of truth: another server process sees a
//! change at its next hourly rebuild.

use super::availability::{BUFFER_REACH_US, busy_of, policy_from, schedule_of};
use crate::accounts::Principal;
use crate::bus::NodeEvent;
use crate::consent::Signals;
use crate::{Result, Services};
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use koine_domain::Invalid;
use koine_domain::consent::ConsentPurpose;
use koine_domain::profile::{Cefr, Country, Language, TimeZoneName, Visibility};
use koine_domain::search::{BUCKET_US, BUCKETS, Card, Index, Query, Sort, Taught, Week2};
use koine_domain::slots;
use koine_domain::teaching::{self, Tier};
use koine_store::repo::availability::{self as availability, OverrideRow};
use koine_store::repo::lessons;
use koine_store::repo::offerings::{self as offerings, OfferingRow};
use koine_store::repo::teaching::{self as teachers, Searchable};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::broadcast;
use uuid::Uuid;

pub const PAGE_SIZE: usize = 20;
/// How the "native speakers only" filter may be written: a checkbox
/// sends `on`, an API client `true` or `false`.
pub const NATIVE_FLAGS: [(&str, bool); 6] = [
    ("on", true),
    ("true", true),
    ("1", true),
    ("", false),
    ("false", false),
    ("0", false),
];
/// The deepest result page served.
pub const MAX_PAGE: usize = 50;
/// How much of an introduction free-text search reads.
const TEXT_CHARS: usize = 500;

/// A search as typed (query string or API), before validation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchForm {
    pub language: String,
    pub min_price: String,
    pub max_price: String,
    pub native: Option<String>,
    pub tier: String,
    pub country: String,
    /// e.g. `4.5`.
    pub min_rating: String,
    /// Weekdays 1 (Monday) … 7, comma-separated.
    pub days: String,
    /// `HH:MM`, in `tz`.
    pub from: String,
    pub to: String,
    /// The learner's time zone (theirs by default).
    pub tz: String,
    pub q: String,
    pub sort: String,
    pub page: Option<usize>,
}

/// One teacher in a result list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub tier: Tier,
    pub country: Option<String>,
    pub headline: Option<String>,
    /// (language, native) taught.
    pub languages: Vec<(String, bool)>,
    /// The cheapest lesson (in the language searched for, if any).
    pub price_from_minor: i64,
    pub currency: String,
    pub trial_price_minor: Option<i64>,
    /// Average ×100 and count.
    pub rating: Option<(i64, i64)>,
    /// The earliest bookable slot start in the next two weeks.
    pub next_slot: Option<Timestamp>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub page: usize,
    pub more: bool,
}

/// `HH:MM` on a quarter-hour grid; `24:00` is the midnight that ends a day.
fn time_of(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(Time::midnight()),
        (0..=23, 0 | 15 | 30 | 45) => Time::new(h, m, 0, 0).ok(),
        _ => None,
    }
}

fn weekday(n: &str) -> Option<Weekday> {
    n.trim()
        .parse::<i8>()
        .ok()
        .and_then(|n| Weekday::from_monday_one_offset(n).ok())
}

/// The quarter hours in which a slot must start: on `days` (all if none)
/// between `from` and `to` (all day if none; past midnight if `to` is
/// earlier), read in `zone`, over the index's two weeks.
pub fn learner_windows(epoch: i64, zone: &TimeZone, days: &[Weekday], window: Option<(Time, Time)>) -> Week2 {
    let mut w = Week2::default();
    let Ok(start) = Timestamp::from_microsecond(epoch) else {
        return w;
    };
    let first = start.to_zoned(zone.clone()).date();
    let until = epoch + BUCKETS as i64 * BUCKET_US;
    let instant = |date: jiff::civil::Date, t: Time| {
        zone.to_ambiguous_zoned(date.to_datetime(t))
            .compatible()
            .map(|z| z.timestamp().as_microsecond())
            .ok()
    };
    let mut date = first.yesterday().unwrap_or(first);
    while instant(date, Time::midnight()).is_some_and(|t| t < until) {
        if days.is_empty() || days.contains(&date.weekday()) {
            let (a, b) = match window {
                Some((from, to)) => {
                    let end_day = if to <= from {
                        date.tomorrow().unwrap_or(date)
                    } else {
                        date
                    };
                    (instant(date, from), instant(end_day, to))
                }
                None => (
                    instant(date, Time::midnight()),
                    date.tomorrow().ok().and_then(|d| instant(d, Time::midnight())),
                ),
            };
            if let (Some(a), Some(b)) = (a, b) {
                w.set_range(epoch, a, b);
            }
        }
        match date.checked_add(1.day()) {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    w
}

/// What a teacher's free times are made from, besides their lessons: kept
/// beside the index, so a booking recomputes the free times from its
/// lessons alone.
pub(crate) struct Hours {
    schedule: slots::Schedule,
    /// Their shortest lesson, in minutes: a free time must fit it.
    shortest: u16,
}

/// The quarter hours of the index in which a lesson of theirs can start.
fn free_times(hours: &Hours, busy: &[slots::Busy], epoch: i64, now: Timestamp) -> Option<Week2> {
    let until = Timestamp::from_microsecond(index_end(epoch)).ok()?;
    let mut bits = Week2::default();
    for slot in slots::slots(&hours.schedule, busy, hours.shortest, now, now, until) {
        bits.set(usize::try_from((slot.as_microsecond() - epoch) / BUCKET_US).ok()?);
    }
    Some(bits)
}

/// A teacher as search sees them, and their hours, if they can be booked
/// at all.
#[allow(clippy::too_many_arguments)]
fn card(
    s: &Searchable,
    languages: &[(String, String)],
    offers: &[&OfferingRow],
    rules: &[(i64, i64, i64)],
    overrides: &[OverrideRow],
    busy: &[slots::Busy],
    epoch: i64,
    now: Timestamp,
) -> Option<(Card, Hours)> {
    let mut taught = Vec::new();
    for (language, level) in languages {
        let cheapest = offers
            .iter()
            .filter(|o| &o.language == language)
            .map(|o| o.price_minor)
            .min();
        if let Some(min_price) = cheapest {
            taught.push(Taught {
                language: language.clone(),
                native: level == Cefr::Native.as_str(),
                min_price,
            });
        }
    }
    if taught.is_empty() {
        return None;
    }
    let shortest = offers.iter().map(|o| o.duration_minutes).min().unwrap_or(30);
    let zone = TimeZone::get(&s.time_zone).ok()?;
    let hours = Hours {
        schedule: schedule_of(
            zone,
            rules,
            overrides,
            policy_from(
                s.min_notice_minutes,
                s.horizon_days,
                s.buffer_before_minutes,
                s.buffer_after_minutes,
            ),
        ),
        shortest: u16::try_from(shortest).ok()?,
    };
    let bits = free_times(&hours, busy, epoch, now)?;
    let public = s.country_visibility == Visibility::Public;
    let mut text = format!("{} {} ", s.display_name, s.headline.as_deref().unwrap_or(""));
    text.extend(s.about.chars().take(TEXT_CHARS));
    let card = Card {
        id: s.account_id,
        display_name: s.display_name.clone(),
        // Search lists teachers to everyone: only a photo shown to everyone.
        avatar: s.avatar_id.filter(|_| s.avatar_visibility == Visibility::Public),
        tier: s.tier,
        country: public.then(|| s.country.clone()),
        headline: s.headline.clone(),
        taught,
        trial_price: s.trial_price_minor,
        rating: (s.rating_count > 0).then(|| (s.rating_sum * 100 / s.rating_count, s.rating_count)),
        slots: bits,
        text: text.to_lowercase(),
    };
    Some((card, hours))
}

/// Where an index starting at `epoch` ends.
fn index_end(epoch: i64) -> i64 {
    epoch + BUCKETS as i64 * BUCKET_US
}

fn group<T, K: std::hash::Hash + Eq>(items: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut out: HashMap<K, Vec<T>> = HashMap::new();
    for i in items {
        out.entry(key(&i)).or_default().push(i);
    }
    out
}

impl Services {
    fn index_epoch(&self) -> (i64, Timestamp) {
        let now = self.clock.now();
        (now.as_microsecond().div_euclid(BUCKET_US) * BUCKET_US, now)
    }

    /// Builds the whole index from the database; returns how many teachers
    /// it holds.
    pub async fn rebuild_search_index(&self) -> Result<usize> {
        let (epoch, now) = self.index_epoch();
        let today = now
            .to_zoned(TimeZone::UTC)
            .date()
            .yesterday()
            .unwrap_or_default()
            .to_string();
        let (teachers_, languages, offers, rules, overrides, busy) = {
            let mut c = self.db.acquire().await?;
            (
                teachers::searchable(c.conn()).await?,
                teachers::all_languages(c.conn()).await?,
                offerings::all_active(c.conn()).await?,
                availability::all_rules(c.conn()).await?,
                availability::all_overrides(c.conn(), &today).await?,
                lessons::busy_all(c.conn(), epoch - BUFFER_REACH_US, index_end(epoch) + BUFFER_REACH_US).await?,
            )
        };
        let languages = group(languages, |l| l.0);
        let offers = group(offers, |o| o.teacher_id);
        let rules = group(rules, |r| r.0);
        let overrides = group(overrides, |o| o.teacher_id);
        let busy = group(busy, |b| b.0);
        let built: Vec<(Card, Hours)> = tokio::task::spawn_blocking(move || {
            teachers_
                .iter()
                .filter_map(|s| {
                    let id = s.account_id;
                    let langs: Vec<(String, String)> = languages
                        .get(&id)
                        .map(|v| v.iter().map(|(_, l, v)| (l.clone(), v.clone())).collect())
                        .unwrap_or_default();
                    let offers: Vec<&OfferingRow> = offers.get(&id).map(|v| v.iter().collect()).unwrap_or_default();
                    let rules: Vec<(i64, i64, i64)> = rules
                        .get(&id)
                        .map(|v| v.iter().map(|(_, d, s, e)| (*d, *s, *e)).collect())
                        .unwrap_or_default();
                    let overrides = overrides.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let busy: Vec<slots::Busy> = busy
                        .get(&id)
                        .map(|v| v.iter().filter_map(|b| busy_of(b.1, b.2)).collect())
                        .unwrap_or_default();
                    card(s, &langs, &offers, &rules, overrides, &busy, epoch, now)
                })
                .collect()
        })
        .await
        .map_err(crate::Error::internal)?;
        let n = built.len();
        let (cards, hours): (Vec<Card>, Vec<Hours>) = built.into_iter().unzip();
        let hours = cards
            .iter()
            .map(|c| c.id)
            .zip(hours.into_iter().map(Arc::new))
            .collect();
        // The hours first: a card is never without its hours.
        *self.search_hours.write().expect("search hours") = hours;
        *self.search.write().expect("search index") = Index::new(epoch, cards);
        tracing::info!(teachers = n, "search index rebuilt");
        Ok(n)
    }

    /// Brings one teacher's card up to date after a change (approval, an
    /// offering, availability, restriction, erasure). A failure leaves the
    /// old card until the next rebuild; it is logged.
    pub(crate) async fn teachers_changed(&self, teacher: Uuid) {
        if let Err(e) = self.refresh_card(teacher).await {
            tracing::error!(teacher = %teacher, "a teacher's search card could not be refreshed: {e}");
        }
        self.bus.tell_nodes(NodeEvent::TeacherChanged(teacher));
    }

    async fn refresh_card(&self, teacher: Uuid) -> Result<()> {
        let epoch = self.search.read().expect("search index").epoch;
        let now = self.clock.now();
        let mut c = self.db.acquire().await?;
        let built = match teachers::searchable_one(c.conn(), teacher).await? {
            Some(s) => {
                let langs = teachers::languages(c.conn(), teacher).await?;
                let offers: Vec<OfferingRow> = offerings::of_teacher(c.conn(), teacher)
                    .await?
                    .into_iter()
                    .filter(|o| o.status == teaching::OfferingStatus::Active)
                    .collect();
                let rules = availability::rules(c.conn(), teacher).await?;
                let overrides = availability::overrides(c.conn(), teacher).await?;
                let busy = self
                    .busy_times(c.conn(), teacher, epoch, index_end(epoch), None)
                    .await?;
                card(
                    &s,
                    &langs,
                    &offers.iter().collect::<Vec<_>>(),
                    &rules,
                    &overrides,
                    &busy,
                    epoch,
                    now,
                )
            }
            None => None,
        };
        let mut kept_hours = self.search_hours.write().expect("search hours");
        let card = match built {
            Some((card, hours)) => {
                kept_hours.insert(teacher, Arc::new(hours));
                Some(card)
            }
            None => {
                kept_hours.remove(&teacher);
                None
            }
        };
        drop(kept_hours);
        self.search.write().expect("search index").put(teacher, card);
        Ok(())
    }

    /// Brings a teacher's free times in search up to date after their
    /// lessons changed (a booking, a cancellation, a new time): one read of
    /// their lessons, their hours as kept. A failure leaves the old free
    /// times until the next rebuild; it is logged.
    pub(crate) async fn lessons_changed(&self, teacher: Uuid) {
        if let Err(e) = self.refresh_free_times(teacher).await {
            tracing::error!(teacher = %teacher, "a teacher's free times in search could not be refreshed: {e}");
        }
        self.bus.tell_nodes(NodeEvent::LessonsChanged(teacher));
    }

    /// Until the process ends: keeps this node's search and remembered
    /// sessions up to date with what the other nodes change (cluster mode;
    /// nothing to follow alone).
    pub fn follow_other_nodes(&self) {
        let Some(mut heard) = self.bus.node_events() else {
            return;
        };
        let svc = self.clone();
        tokio::spawn(async move {
            loop {
                let outcome = match heard.recv().await {
                    Ok(NodeEvent::TeacherChanged(t)) => svc.refresh_card(t).await,
                    Ok(NodeEvent::LessonsChanged(t)) => svc.refresh_free_times(t).await,
                    Ok(NodeEvent::SessionsChanged(a)) => {
                        svc.sessions.forget(a);
                        Ok(())
                    }
                    Ok(NodeEvent::Missed) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        svc.sessions.forget_all();
                        svc.rebuild_search_index().await.map(|_| ())
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if let Err(e) = outcome {
                    tracing::error!("search could not follow another node's change: {e}");
                }
            }
        });
    }

    async fn refresh_free_times(&self, teacher: Uuid) -> Result<()> {
        let hours = self.search_hours.read().expect("search hours").get(&teacher).cloned();
        // Not bookable, so not in search.
        let Some(hours) = hours else { return Ok(()) };
        let epoch = self.search.read().expect("search index").epoch;
        let now = self.clock.now();
        let mut c = self.db.acquire().await?;
        let busy = self
            .busy_times(c.conn(), teacher, epoch, index_end(epoch), None)
            .await?;
        drop(c);
        let Some(bits) = free_times(&hours, &busy, epoch, now) else {
            return Ok(());
        };
        let mut index = self.search.write().expect("search index");
        if let Some(mut card) = index.get(teacher).cloned() {
            card.slots = bits;
            index.put(teacher, Some(card));
        }
        Ok(())
    }

    /// Parses a search as typed; `zone` is the learner's time zone unless
    /// the form names another.
    pub fn parse_search(&self, f: &SearchForm, zone: &str) -> std::result::Result<Query, Invalid> {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let language = text(&f.language)
            .map(|l| Language::parse(&l))
            .transpose()?
            .map(|l| l.code().to_owned());
        let price = |field, s: &str| text(s).map(|s| teaching::parse_amount(field, &s)).transpose();
        let (min_price, max_price) = (price("min_price", &f.min_price)?, price("max_price", &f.max_price)?);
        if let (Some(a), Some(b)) = (min_price, max_price)
            && a > b
        {
            return Err(Invalid::new("max_price", "impossible-price-range"));
        }
        let tier = text(&f.tier).map(|t| Tier::parse(&t)).transpose()?;
        let country = text(&f.country)
            .map(|c| Country::parse(&c))
            .transpose()?
            .map(|c| c.code().to_owned());
        let min_rating = text(&f.min_rating)
            .map(|r| {
                r.parse::<f64>()
                    .ok()
                    .filter(|r| (1.0..=5.0).contains(r))
                    .map(|r| (r * 100.0).round() as i64)
                    .ok_or(Invalid::new("min_rating", "out-of-range"))
            })
            .transpose()?;
        let days = f
            .days
            .split(',')
            .filter(|d| !d.trim().is_empty())
            .map(|d| weekday(d).ok_or(Invalid::new("days", "invalid-choice")))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let bad = |field| Invalid::new(field, "impossible-time-range");
        let window = match (text(&f.from), text(&f.to)) {
            (None, None) => None,
            (Some(a), Some(b)) => {
                let (from, to) = (time_of(&a).ok_or(bad("from"))?, time_of(&b).ok_or(bad("to"))?);
                if from == to {
                    return Err(bad("to"));
                }
                Some((from, to))
            }
            _ => return Err(bad("from")),
        };
        let zone = TimeZoneName::parse(text(&f.tz).as_deref().unwrap_or(zone))?;
        let zone = TimeZone::get(zone.as_str()).map_err(|_| Invalid::new("tz", "invalid-time-zone"))?;
        let windows = (!days.is_empty() || window.is_some()).then(|| {
            let epoch = self.search.read().expect("search index").epoch;
            let mut w = learner_windows(epoch, &zone, &days, window);
            // Nothing before now counts.
            let now = self.clock.now_us();
            let mut past = Week2::default();
            past.set_range(epoch, epoch, now);
            w = w.without(&past);
            w
        });
        let sort = match text(&f.sort) {
            None => Sort::Relevance,
            Some(s) => Sort::parse(&s).ok_or(Invalid::new("sort", "invalid-choice"))?,
        };
        let page = f.page.unwrap_or(0);
        if page > MAX_PAGE {
            return Err(Invalid::new("page", "out-of-range"));
        }
        let native = match f.native.as_deref().map(str::trim) {
            None => false,
            Some(n) => {
                NATIVE_FLAGS
                    .iter()
                    .find(|(name, _)| *name == n)
                    .ok_or(Invalid::new("native", "invalid-choice"))?
                    .1
            }
        };
        let words =
            f.q.to_lowercase()
                .split_whitespace()
                .take(8)
                .map(|w| w.chars().take(40).collect())
                .collect();
        Ok(Query {
            native,
            language,
            min_price,
            max_price,
            tier,
            country,
            min_rating,
            windows,
            words,
            sort,
            offset: page * PAGE_SIZE,
            limit: PAGE_SIZE,
        })
    }

    pub fn search_teachers(&self, q: &Query) -> Results {
        let index = self.search.read().expect("search index");
        let page = index.search(q);
        let now_bucket = usize::try_from((self.clock.now_us() - index.epoch) / BUCKET_US).unwrap_or(0);
        let hits = page
            .cards
            .iter()
            .map(|c| Hit {
                id: c.id,
                display_name: c.display_name.clone(),
                avatar_url: c.avatar.map(|a| format!("/avatars/{a}.png")),
                tier: c.tier,
                country: c.country.clone(),
                headline: c.headline.clone(),
                languages: c.taught.iter().map(|t| (t.language.clone(), t.native)).collect(),
                price_from_minor: c
                    .taught
                    .iter()
                    .filter(|t| q.language.as_ref().is_none_or(|l| &t.language == l))
                    .map(|t| t.min_price)
                    .min()
                    .unwrap_or(0),
                currency: self.settings.currency.clone(),
                trial_price_minor: c.trial_price,
                rating: c.rating,
                next_slot: c
                    .slots
                    .first_from(now_bucket)
                    .and_then(|b| Timestamp::from_microsecond(index.epoch + b as i64 * BUCKET_US).ok()),
            })
            .collect();
        Results {
            hits,
            page: q.offset / PAGE_SIZE.max(1),
            more: page.more,
        }
    }

    /// Teachers suggested on a learner's home page: for the languages they
    /// learn if they allowed personalised recommendations (and did not
    /// object, nor restrict processing); otherwise the same list for all.
    pub async fn suggested_teachers(&self, p: Option<&Principal>, signals: Signals) -> Result<Vec<Hit>> {
        const SHOWN: usize = 6;
        // One more than shown, so leaving out a teacher's own card still
        // leaves six.
        let mut q = Query {
            limit: SHOWN + 1,
            ..Query::default()
        };
        if let Some(p) = p
            && self
                .may_process(p.account_id, ConsentPurpose::PersonalisedRecommendations, signals)
                .await?
        {
            let own = self.own_profile(p.account_id).await?;
            q.language = own.view.learning_languages.first().map(|l| l.language.clone());
        }
        let mut hits = self.search_teachers(&q).hits;
        hits.retain(|h| p.is_none_or(|p| h.id != p.account_id));
        hits.truncate(SHOWN);
        Ok(hits)
    }
}
