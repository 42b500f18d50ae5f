//! The online classroom of a lesson: who may enter and when, and the relay
//! (TURN) credentials a member's browser uses when no direct path works.
//! Media never passes through Koine itself; only a relay carries it, and
//! only when one is needed or asked for.

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use base64::Engine;
use hmac::{KeyInit, Mac};
use koine_domain::classroom::{self, CallSignal, RoomTimes, RoomWindow, SharedNotes, Side, Signal};
use koine_domain::consent::{ConsentPurpose, ConsentSource};
use koine_domain::refusal::Refusal;
use koine_store::Conn;
use koine_store::repo::consent::{self as ledger, ConsentRow};
use koine_store::repo::lessons::{self as repo, LessonRow};
use uuid::Uuid;

/// A relay reached with the shared-secret scheme (coturn's
/// `use-auth-secret`): Koine signs short-lived credentials, the relay
/// checks them with the same secret.
#[derive(Clone)]
pub struct TurnRelay {
    /// `turn:` / `turns:` URLs, as browsers take them.
    pub urls: Vec<String>,
    /// The shared secrets, newest first: the first signs credentials; the
    /// built-in relay takes any of them while the secret is rotated.
    pub secrets: Vec<String>,
}

impl TurnRelay {
    /// A credential for `member` in `lesson` until `expires_at_us`: the
    /// user name and the password, signed with the newest secret.
    pub fn credential(&self, expires_at_us: i64, lesson: uuid::Uuid, member: uuid::Uuid) -> (String, String) {
        let secret = &self.secrets[0];
        let name = classroom::turn_user_name(expires_at_us, lesson, member, &turn_secret_id(secret));
        let password = turn_password(secret, &name);
        (name, password)
    }
}

/// A short public id of a TURN secret, carried in the user names it signs
/// (the first 8 hex digits of its SHA-256).
pub fn turn_secret_id(secret: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl std::fmt::Debug for TurnRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnRelay")
            .field("urls", &self.urls)
            .field("secrets", &"…")
            .finish()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClassroomSettings {
    pub times: RoomTimes,
    /// No relay: members connect only where a direct path exists.
    pub turn: Option<TurnRelay>,
}

/// One entry of a browser's `iceServers`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
}

/// A lesson's room as one of its two members may enter it now.
#[derive(Debug, Clone)]
pub struct Room {
    pub lesson: LessonRow,
    pub side: Side,
    pub window: RoomWindow,
    pub other_id: Uuid,
    pub other_name: String,
    /// Relay credentials, valid until the room closes.
    pub ice_servers: Vec<IceServer>,
    /// Media goes only through the relay, so the other member never
    /// learns this member's address (always for a minor).
    pub relay_only: bool,
    pub recording: Recording,
}

/// A member's next lesson, for the home page.
#[derive(Debug, Clone)]
pub struct NextLesson {
    pub lesson: LessonRow,
    pub other_name: String,
    pub window: RoomWindow,
}

/// Whether each member of a lesson agreed to recording it: both must, and
/// either may withdraw at any moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recording {
    pub mine: bool,
    pub theirs: bool,
}

impl Recording {
    /// A recording may run.
    pub fn allowed(self) -> bool {
        self.mine && self.theirs
    }

    /// From the lesson's consents (oldest first): each member's latest
    /// choice; none is no.
    fn of(rows: &[ConsentRow], me: Uuid, other: Uuid) -> Self {
        let latest = |who: Uuid| {
            rows.iter()
                .rfind(|r| r.account_id == who && r.purpose == ConsentPurpose::ClassroomRecording.as_str())
                .is_some_and(|r| r.granted)
        };
        Self {
            mine: latest(me),
            theirs: latest(other),
        }
    }
}

/// A lesson's shared notes pad as a member sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notes {
    pub body: String,
    /// 0 before anything was saved; a save names the version it changes.
    pub version: i64,
    pub updated_at: Option<i64>,
}

impl Notes {
    fn of(row: Option<koine_store::repo::classroom::NotesRow>) -> Self {
        row.map_or(
            Self {
                body: String::new(),
                version: 0,
                updated_at: None,
            },
            |r| Self {
                body: r.body,
                version: r.version,
                updated_at: Some(r.updated_at),
            },
        )
    }
}

/// The password of a TURN user name under the shared secret: base64 of
/// HMAC-SHA1, as coturn computes it.
pub fn turn_password(secret: &str, user_name: &str) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(user_name.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `p`'s media goes only through the relay: as they chose, else
/// always for a minor.
fn hides_ip(p: &Principal, chosen: Option<bool>) -> bool {
    chosen.unwrap_or(p.minor)
}

/// The lesson and which side `p` is on, with the other member; anyone
/// else learns nothing of it.
fn sides(lesson: &LessonRow, p: &Principal) -> Result<(Side, Uuid)> {
    if lesson.learner_id == p.account_id {
        Ok((Side::Learner, lesson.teacher_id))
    } else if lesson.teacher_id == p.account_id {
        Ok((Side::Teacher, lesson.learner_id))
    } else {
        Err(Error::NotFound)
    }
}

/// Lesson `id` as one of its members meets its room.
struct LessonRoom {
    lesson: LessonRow,
    side: Side,
    other: Uuid,
    window: RoomWindow,
}

impl Services {
    /// Lesson `id` with `p`'s side, the other member and the room's window:
    /// for its learner and teacher only (not yet checked against the time).
    async fn lesson_room(&self, conn: Conn<'_>, p: &Principal, id: Uuid) -> Result<LessonRoom> {
        let lesson = repo::get(conn, id).await?.ok_or(Error::NotFound)?;
        let (side, other) = sides(&lesson, p)?;
        let window = RoomWindow::of(lesson.starts_at, lesson.ends_at, self.settings.classroom.times);
        Ok(LessonRoom {
            lesson,
            side,
            other,
            window,
        })
    }

    /// The room of lesson `id` for `p`: only its learner and teacher, only
    /// while it is open; anyone else learns nothing of the lesson.
    pub async fn room(&self, p: &Principal, id: Uuid) -> Result<Room> {
        let mut c = self.db.acquire().await?;
        let LessonRoom {
            lesson,
            side,
            other: other_id,
            window,
        } = self.lesson_room(c.conn(), p, id).await?;
        let settings = &self.settings.classroom;
        classroom::admit(lesson.status, window, self.clock.now_us())?;
        let other_name = self.display_name_in(c.conn(), other_id).await?;
        let recording = Recording::of(&ledger::for_lesson(c.conn(), id).await?, p.account_id, other_id);
        let relay_only = hides_ip(p, koine_store::repo::classroom::hide_ip(c.conn(), p.account_id).await?);
        let ice_servers = settings
            .turn
            .iter()
            .map(|relay| {
                let (username, credential) = relay.credential(window.closes_at, lesson.id, p.account_id);
                IceServer {
                    urls: relay.urls.clone(),
                    credential,
                    username,
                }
            })
            .collect();
        Ok(Room {
            lesson,
            side,
            window,
            other_id,
            other_name,
            ice_servers,
            relay_only,
            recording,
        })
    }

    /// `p`'s next lesson whose room has not closed yet, with the other
    /// member's name and the room's window (for the home page's Join).
    pub async fn next_lesson(&self, p: &Principal) -> Result<Option<NextLesson>> {
        let times = self.settings.classroom.times;
        let after = self.clock.now_us() - times.close_after_us();
        let mut c = self.db.acquire().await?;
        let Some(lesson) = repo::next_of_member(c.conn(), p.account_id, after).await? else {
            return Ok(None);
        };
        let (_, other) = sides(&lesson, p)?;
        let other_name = self.display_name_in(c.conn(), other).await?;
        let window = RoomWindow::of(lesson.starts_at, lesson.ends_at, times);
        Ok(Some(NextLesson {
            lesson,
            other_name,
            window,
        }))
    }

    /// Passes a call signal to the other member of lesson `id` while its
    /// room is open (to their every open stream; a tab that misses it asks
    /// again with `ready`).
    pub async fn relay_signal(&self, p: &Principal, id: Uuid, signal: CallSignal) -> Result<()> {
        signal.signal.check()?;
        let room = {
            let mut c = self.db.acquire().await?;
            self.lesson_room(c.conn(), p, id).await?
        };
        let now = self.clock.now_us();
        classroom::admit(room.lesson.status, room.window, now)?;
        match signal.signal {
            Signal::Ready => self.record_join(&room.lesson, p.account_id, now).await?,
            Signal::Leave => self.leave_room(p, id).await?,
            // A recorder starts only with both members' consent for this lesson.
            Signal::Recording { on: true } => {
                let mut c = self.db.acquire().await?;
                let consent = Recording::of(&ledger::for_lesson(c.conn(), id).await?, p.account_id, room.other);
                if !consent.allowed() {
                    return Err(Refusal::RecordingNotAgreed.into());
                }
            }
            _ => {}
        }
        self.bus.publish(
            room.other,
            std::sync::Arc::new(crate::bus::Event::Signal {
                lesson: id,
                from: p.account_id,
                signal,
            }),
        );
        Ok(())
    }

    /// A member joined the lesson's call: a stay begins (unless one is
    /// open), and once both members have been seen the lesson is marked as
    /// attended by both.
    async fn record_join(&self, lesson: &LessonRow, member: Uuid, now: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if koine_store::repo::classroom::join(tx.conn(), lesson.id, member, now).await?
            && lesson.both_attended_at.is_none()
        {
            koine_store::repo::classroom::mark_if_both_attended(
                tx.conn(),
                lesson.id,
                lesson.learner_id,
                lesson.teacher_id,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `p` left lesson `id`'s call (said so, or their stream closed): their
    /// open stay ends.
    pub async fn leave_room(&self, p: &Principal, id: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        koine_store::repo::classroom::leave(c.conn(), id, p.account_id, self.clock.now_us()).await?;
        Ok(())
    }

    /// Every stay in a lesson's classroom, for the lesson's staff page.
    pub async fn attendance(&self, lesson: Uuid) -> Result<Vec<koine_store::repo::classroom::AttendanceRow>> {
        let mut c = self.db.acquire().await?;
        Ok(koine_store::repo::classroom::attendance(c.conn(), lesson).await?)
    }

    /// A lesson's shared notes, for either of its members at any time.
    pub async fn notes(&self, p: &Principal, id: Uuid) -> Result<Notes> {
        let mut c = self.db.acquire().await?;
        self.lesson_room(c.conn(), p, id).await?;
        let row = koine_store::repo::classroom::notes(c.conn(), id, p.account_id).await?;
        Ok(Notes::of(row))
    }

    /// Saves the shared notes while the room is open, if nobody saved since
    /// `base` (the version the member edited; 0 for none). Both members'
    /// copies change together, and both are told.
    pub async fn save_notes(&self, p: &Principal, id: Uuid, body: &SharedNotes, base: i64) -> Result<Notes> {
        if base < 0 {
            return Err(koine_domain::Invalid::new("version", "invalid").into());
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let room = self.lesson_room(tx.conn(), p, id).await?;
        classroom::admit(room.lesson.status, room.window, now)?;
        let saved = koine_store::repo::classroom::save_notes(
            tx.conn(),
            id,
            p.account_id,
            base,
            body.as_str(),
            p.account_id,
            now,
        )
        .await?;
        if !saved {
            return Err(Refusal::NotesChanged.into());
        }
        let version = base + 1;
        koine_store::repo::classroom::copy_notes(tx.conn(), id, room.other, version, body.as_str(), p.account_id, now)
            .await?;
        tx.commit().await?;
        let event = std::sync::Arc::new(crate::bus::Event::Notes {
            lesson: id,
            version,
            body: body.as_str().to_owned(),
            by: p.account_id,
        });
        self.bus.publish_to(&[room.other, p.account_id], event);
        Ok(Notes {
            body: body.as_str().to_owned(),
            version,
            updated_at: Some(now),
        })
    }

    /// Whether `p`'s IP address is hidden from the other member in
    /// classrooms (media only through the relay).
    pub async fn hides_ip(&self, p: &Principal) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        Ok(hides_ip(
            p,
            koine_store::repo::classroom::hide_ip(c.conn(), p.account_id).await?,
        ))
    }

    pub async fn set_hide_ip(&self, p: &Principal, hide: bool) -> Result<()> {
        let mut c = self.db.acquire().await?;
        koine_store::repo::classroom::set_hide_ip(c.conn(), p.account_id, hide, self.clock.now_us()).await?;
        Ok(())
    }

    /// Switches `p`'s consent to recording lesson `id`, from its booking
    /// until its room closes. Each switch is appended to the consent ledger
    /// (purpose `classroom_recording`, naming the lesson); the answer is
    /// both members' consent after it.
    pub async fn set_recording_consent(&self, p: &Principal, id: Uuid, granted: bool) -> Result<Recording> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let LessonRoom {
            lesson, other, window, ..
        } = self.lesson_room(tx.conn(), p, id).await?;
        match classroom::admit(lesson.status, window, now) {
            Ok(()) | Err(Refusal::RoomNotOpenYet) => {}
            Err(refusal) => return Err(refusal.into()),
        }
        let before = Recording::of(&ledger::for_lesson(tx.conn(), id).await?, p.account_id, other);
        if before.mine != granted {
            let row = ConsentRow {
                id: Uuid::now_v7(),
                lesson_id: Some(id),
                account_id: p.account_id,
                purpose: ConsentPurpose::ClassroomRecording.as_str().into(),
                granted,
                policy_version: self.policy_version_id(),
                consent_revision: Some(i64::from(self.consent_revision())),
                source: ConsentSource::Classroom.as_str().into(),
                created_at: now,
            };
            ledger::append(tx.conn(), &row).await?;
        }
        tx.commit().await?;
        // Both rooms learn at once whether recording may run: a withdrawal
        // stops both recorders.
        let allowed = granted && before.theirs;
        for (to, mine, theirs) in [(p.account_id, granted, before.theirs), (other, before.theirs, granted)] {
            self.bus.publish(
                to,
                std::sync::Arc::new(crate::bus::Event::Recording {
                    lesson: id,
                    mine,
                    theirs,
                    allowed,
                }),
            );
        }
        Ok(Recording {
            mine: granted,
            theirs: before.theirs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minors_address_is_hidden_unless_they_choose_otherwise() {
        let p = |minor| Principal {
            account_id: Uuid::now_v7(),
            client: Default::default(),
            session_id: Uuid::now_v7(),
            authenticated_at: 0,
            staff_role: None,
            minor,
            locale: None,
            display_name: String::new(),
        };
        assert!(hides_ip(&p(true), None));
        assert!(!hides_ip(&p(false), None));
        assert!(!hides_ip(&p(true), Some(false)));
        assert!(hides_ip(&p(false), Some(true)));
    }

    /// RFC 2202's HMAC-SHA1 test case 2, and a credential as coturn's
    /// documentation computes one (`echo -n "$user" | openssl dgst -binary
    /// -sha1 -hmac "$secret" | base64`, here by Python's `hmac`).
    #[test]
    fn turn_passwords_are_coturns_hmac_sha1() {
        assert_eq!(
            turn_password("Jefe", "what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk="
        );
        assert_eq!(
            turn_password("north", "1700000000:alice"),
            "Cd/49soE35ICqcJF/bCTn8Z4OyE="
        );
    }
}
