//! Who lives in the demo: learners, and teachers of fourteen languages
//! spread over the world's time zones (so one of them is always in their
//! daytime when the demo starts).

use koine_domain::profile::UiLocale;

/// A demo member: display name, email, birth date, interface language, zone.
pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
    pub birth: &'static str,
    pub locale: UiLocale,
    pub zone: &'static str,
}

/// A demo teacher: the person, where they live, what they teach and how.
pub struct Teacher {
    pub person: Person,
    pub country: &'static str,
    pub language: &'static str,
    pub headline: &'static str,
    pub introduction: &'static str,
    pub price: &'static str,
    /// Weekly windows in their own zone: (weekday 1–7, from, until).
    pub windows: &'static [(&'static str, &'static str, &'static str)],
    /// Their photo: a plain square of this colour.
    pub colour: [u8; 3],
}

const fn person(name: &'static str, email: &'static str, locale: UiLocale, zone: &'static str) -> Person {
    Person {
        name,
        email,
        birth: "1987-06-15",
        locale,
        zone,
    }
}

pub const LEARNERS: &[Person] = &[
    Person {
        birth: "1994-03-12",
        ..person("Ana García", "ana@demo.koine.test", UiLocale::Es, "Europe/Madrid")
    },
    Person {
        birth: "1988-11-02",
        ..person("Kenji Sato", "kenji@demo.koine.test", UiLocale::Ja, "Asia/Tokyo")
    },
    Person {
        birth: "2001-07-21",
        ..person("Li Wei", "liwei@demo.koine.test", UiLocale::ZhCn, "Asia/Shanghai")
    },
    Person {
        birth: "1979-09-30",
        ..person("Tom Becker", "tom@demo.koine.test", UiLocale::En, "Europe/Berlin")
    },
    Person {
        birth: "1998-02-14",
        ..person(
            "Fatima Zahra",
            "fatima@demo.koine.test",
            UiLocale::En,
            "Africa/Casablanca",
        )
    },
    Person {
        birth: "1992-12-01",
        ..person("Lucas Moreau", "lucas@demo.koine.test", UiLocale::En, "America/Toronto")
    },
];

/// Weekdays and evenings, the shape most teachers' weeks have.
const EVENINGS: &[(&str, &str, &str)] = &[
    ("1", "16:00", "21:00"),
    ("2", "16:00", "21:00"),
    ("3", "16:00", "21:00"),
    ("4", "16:00", "21:00"),
    ("6", "09:00", "13:00"),
];
/// Mornings and early afternoons.
const DAYTIME: &[(&str, &str, &str)] = &[
    ("1", "08:00", "13:00"),
    ("2", "08:00", "13:00"),
    ("3", "08:00", "13:00"),
    ("5", "08:00", "13:00"),
    ("7", "10:00", "14:00"),
];
/// Long days, four days a week.
const FULL_DAYS: &[(&str, &str, &str)] = &[
    ("2", "09:00", "19:00"),
    ("3", "09:00", "19:00"),
    ("5", "09:00", "19:00"),
    ("6", "09:00", "19:00"),
];

const fn teacher(
    person: Person,
    (country, language): (&'static str, &'static str),
    headline: &'static str,
    introduction: &'static str,
    price: &'static str,
    windows: &'static [(&'static str, &'static str, &'static str)],
    colour: [u8; 3],
) -> Teacher {
    Teacher {
        person,
        country,
        language,
        headline,
        introduction,
        price,
        windows,
        colour,
    }
}

pub const TEACHERS: &[Teacher] = &[
    teacher(
        Person {
            birth: "1985-05-30",
            ..person("María López", "maria@demo.koine.test", UiLocale::Es, "Europe/Madrid")
        },
        ("ES", "es"),
        "Spanish for real conversations, and for the DELE",
        "Profesora de español desde hace quince años: gramática clara, conversación y preparación del DELE. I explain in English when you need it.",
        "19.00",
        EVENINGS,
        [196, 90, 60],
    ),
    teacher(
        person(
            "Carlos Ruiz",
            "carlos@demo.koine.test",
            UiLocale::Es,
            "America/Mexico_City",
        ),
        ("MX", "es"),
        "Mexican Spanish, slang included",
        "Soy de Guadalajara. We will talk about food, music and football until the words come without thinking. Travellers and heritage speakers welcome.",
        "15.00",
        FULL_DAYS,
        [214, 150, 40],
    ),
    teacher(
        person(
            "Lucía Fernández",
            "lucia@demo.koine.test",
            UiLocale::Es,
            "America/Argentina/Buenos_Aires",
        ),
        ("AR", "es"),
        "Rioplatense Spanish and literature",
        "Literature graduate from Buenos Aires. We read short stories by Cortázar and Borges and talk about them: vocabulary, voseo and the rhythm of the language.",
        "17.00",
        DAYTIME,
        [90, 160, 200],
    ),
    teacher(
        person("Emma Clarke", "emma@demo.koine.test", UiLocale::En, "Europe/London"),
        ("GB", "en"),
        "Business English and IELTS preparation",
        "Former corporate trainer in London. Meetings, presentations, emails that sound natural, and a clear plan for the IELTS speaking and writing papers.",
        "24.00",
        DAYTIME,
        [40, 90, 160],
    ),
    teacher(
        person(
            "James Walker",
            "james@demo.koine.test",
            UiLocale::En,
            "America/New_York",
        ),
        ("US", "en"),
        "Relaxed American English conversation",
        "I taught in Korea and Spain before coming home to Brooklyn. Lessons are conversations about what interests you, with a short list of corrections at the end.",
        "20.00",
        EVENINGS,
        [70, 70, 140],
    ),
    teacher(
        person(
            "Olivia Brown",
            "olivia@demo.koine.test",
            UiLocale::En,
            "Australia/Sydney",
        ),
        ("AU", "en"),
        "English for kids and teenagers, patient and playful",
        "Primary school teacher from Sydney. Games, songs and stories for young learners, and exam practice for teenagers. Parents are welcome to sit in.",
        "18.00",
        FULL_DAYS,
        [30, 150, 120],
    ),
    teacher(
        person(
            "Camille Dubois",
            "camille@demo.koine.test",
            UiLocale::En,
            "Europe/Paris",
        ),
        ("FR", "fr"),
        "Le français, pas à pas",
        "Professeure de FLE à Lyon. From your first bonjour to the DELF B2: pronunciation, everyday French and the grammar that actually matters.",
        "21.00",
        EVENINGS,
        [120, 60, 150],
    ),
    teacher(
        person(
            "Julien Martin",
            "julien@demo.koine.test",
            UiLocale::En,
            "America/Toronto",
        ),
        ("CA", "fr"),
        "Québécois French and French for work in Canada",
        "Montréalais, I help newcomers and public servants speak French at work: meetings, phone calls, and the accent you will hear on the street.",
        "22.00",
        DAYTIME,
        [170, 40, 60],
    ),
    teacher(
        person("Lena Schmidt", "lena@demo.koine.test", UiLocale::En, "Europe/Berlin"),
        ("DE", "de"),
        "German grammar made clear",
        "Deutschlehrerin aus Berlin. Cases, word order and separable verbs explained with pictures, then practised until they feel natural. Goethe exams too.",
        "23.00",
        FULL_DAYS,
        [60, 60, 60],
    ),
    teacher(
        person("Jonas Weber", "jonas@demo.koine.test", UiLocale::En, "Europe/Vienna"),
        ("AT", "de"),
        "Conversational German from Vienna",
        "Servus! I studied music in Vienna and love chatting about culture, cooking and travel. Relaxed conversation lessons for intermediate learners.",
        "16.00",
        EVENINGS,
        [200, 60, 90],
    ),
    teacher(
        person("Giulia Rossi", "giulia@demo.koine.test", UiLocale::En, "Europe/Rome"),
        ("IT", "it"),
        "Italian for travellers and food lovers",
        "Ciao! Roman, cook and teacher. We learn Italian through recipes, markets and the phrases that make waiters smile. Beginners are my favourite.",
        "18.00",
        DAYTIME,
        [40, 140, 70],
    ),
    teacher(
        person("Marco Bianchi", "marco@demo.koine.test", UiLocale::En, "Europe/Rome"),
        ("IT", "it"),
        "Structured Italian courses, A1 to C1",
        "Qualified teacher of Italian as a foreign language (CILS). Each lesson has a clear goal, exercises and homework, and we follow a course book if you like.",
        "21.00",
        EVENINGS,
        [20, 110, 90],
    ),
    teacher(
        person(
            "Beatriz Costa",
            "beatriz@demo.koine.test",
            UiLocale::En,
            "America/Sao_Paulo",
        ),
        ("BR", "pt"),
        "Brazilian Portuguese with music",
        "Olá! From São Paulo. We learn Portuguese with bossa nova, samba lyrics and everyday conversation. Spanish speakers get a special fast track.",
        "14.00",
        FULL_DAYS,
        [230, 180, 30],
    ),
    teacher(
        person("João Silva", "joao@demo.koine.test", UiLocale::En, "Europe/Lisbon"),
        ("PT", "pt"),
        "European Portuguese for life in Portugal",
        "Lisboeta and former translator. Paperwork, neighbours, the café: the Portuguese you need to settle in, with the pronunciation nobody explains.",
        "19.00",
        EVENINGS,
        [30, 100, 60],
    ),
    teacher(
        Person {
            birth: "1990-01-15",
            ..person("Yuki Tanaka", "yuki@demo.koine.test", UiLocale::Ja, "Asia/Tokyo")
        },
        ("JP", "ja"),
        "日本語会話と JLPT 対策",
        "日本語を教えて十年になります。初心者の会話から JLPT 対策、ビジネス日本語まで、一人ひとりに合わせて丁寧に教えます。",
        "22.00",
        EVENINGS,
        [60, 110, 190],
    ),
    teacher(
        person("Haruka Ito", "haruka@demo.koine.test", UiLocale::Ja, "Asia/Tokyo"),
        ("JP", "ja"),
        "Japanese from zero: kana, kanji and courage",
        "I teach beginners to read hiragana and katakana in the first weeks and to hold a simple conversation soon after. Anime fans welcome, no judgement.",
        "17.00",
        DAYTIME,
        [220, 100, 140],
    ),
    teacher(
        person("Wang Fang", "wangfang@demo.koine.test", UiLocale::ZhCn, "Asia/Shanghai"),
        ("CN", "zh"),
        "普通话 for business and HSK",
        "Mandarin teacher from Shanghai with a background in trade. Tones from the first lesson, HSK preparation, and the Chinese of negotiations and dinners.",
        "20.00",
        FULL_DAYS,
        [190, 30, 40],
    ),
    teacher(
        person("Chen Jie", "chenjie@demo.koine.test", UiLocale::ZhCn, "Asia/Taipei"),
        ("TW", "zh"),
        "Mandarin with traditional characters",
        "Taipei native. Conversation, traditional characters and Taiwanese everyday culture: night markets, tea, and how people really talk.",
        "18.00",
        EVENINGS,
        [150, 50, 50],
    ),
    teacher(
        person("Kim Minji", "minji@demo.koine.test", UiLocale::En, "Asia/Seoul"),
        ("KR", "ko"),
        "Korean through dramas and K-pop",
        "안녕하세요! I teach Hangul in one lesson, then we learn Korean from the dramas and songs you love, with the politeness levels explained clearly.",
        "16.00",
        EVENINGS,
        [240, 120, 160],
    ),
    teacher(
        person("Park Jisoo", "jisoo@demo.koine.test", UiLocale::En, "Asia/Seoul"),
        ("KR", "ko"),
        "TOPIK preparation and academic Korean",
        "Graduate student in Seoul. Structured TOPIK preparation, reading academic texts and writing essays, for learners planning to study in Korea.",
        "19.00",
        DAYTIME,
        [80, 80, 180],
    ),
    teacher(
        person("Layla Haddad", "layla@demo.koine.test", UiLocale::En, "Asia/Amman"),
        ("JO", "ar"),
        "Levantine Arabic for conversation",
        "مرحبا! From Amman. Spoken Levantine Arabic for everyday life, with the script taught alongside so you can read menus and signs from the start.",
        "17.00",
        FULL_DAYS,
        [170, 120, 60],
    ),
    teacher(
        person("Omar Farouk", "omar@demo.koine.test", UiLocale::En, "Africa/Cairo"),
        ("EG", "ar"),
        "Modern Standard Arabic and Egyptian dialect",
        "Teacher of Arabic at a Cairo language centre. Grammar and reading in Modern Standard Arabic, and Egyptian colloquial for films and conversation.",
        "15.00",
        EVENINGS,
        [110, 80, 40],
    ),
    teacher(
        person("Anna Petrova", "anna@demo.koine.test", UiLocale::En, "Europe/Riga"),
        ("LV", "ru"),
        "Russian for beginners, step by step",
        "Philologist teaching Russian as a foreign language. Cyrillic in a week, then cases one by one with lots of speaking practice and gentle correction.",
        "18.00",
        DAYTIME,
        [90, 50, 130],
    ),
    teacher(
        person("Priya Sharma", "priya@demo.koine.test", UiLocale::En, "Asia/Kolkata"),
        ("IN", "hi"),
        "Hindi conversation and Devanagari",
        "नमस्ते! I help heritage learners and Bollywood fans speak Hindi with confidence and read Devanagari, with songs and short stories along the way.",
        "12.00",
        FULL_DAYS,
        [250, 140, 50],
    ),
    teacher(
        person("Elif Yılmaz", "elif@demo.koine.test", UiLocale::En, "Europe/Istanbul"),
        ("TR", "tr"),
        "Turkish made logical",
        "Istanbul teacher who loves how regular Turkish is. Suffixes become building blocks, and we practise with everyday scenes from markets to ferries.",
        "14.00",
        EVENINGS,
        [200, 40, 40],
    ),
    teacher(
        person(
            "Sanne de Vries",
            "sanne@demo.koine.test",
            UiLocale::En,
            "Europe/Amsterdam",
        ),
        ("NL", "nl"),
        "Dutch for expats and the inburgering exam",
        "Utrecht teacher who helps expats pass the civic integration exam and chat with colleagues at lunch. Clear pronunciation work on the sounds that scare you.",
        "22.00",
        DAYTIME,
        [240, 110, 30],
    ),
];
