//! The built-in themes and the question prompts for each.

/// A built-in theme: tag, what it is for, and questions to bring.
pub struct BuiltinTheme {
    pub tag: &'static str,
    pub description: &'static str,
    pub prompts: &'static [&'static str],
}

pub const GROWTH: &str = "growth";
pub const FEEDBACK: &str = "feedback";
pub const ALIGNMENT: &str = "alignment";
pub const STATUS: &str = "status";

pub static BUILTIN_THEMES: &[BuiltinTheme] = &[
    BuiltinTheme {
        tag: GROWTH,
        description: "Career, skills and what's next for you. Bring it up at least once a month, or career talk quietly disappears.",
        prompts: &[
            "What skill should I build next to grow into the next level?",
            "Which project coming up would stretch me the most?",
            "What does the next level look like for me, concretely?",
            "Could I lead something that is a step beyond my current scope?",
            "Who should I learn from, inside or outside the team?",
            "What would you do in my position to grow faster?",
        ],
    },
    BuiltinTheme {
        tag: FEEDBACK,
        description: "Ask for feedback, act on it, and circle back: keep the loop alive until it is closed.",
        prompts: &[
            "What is one thing I could do better in the next two weeks?",
            "What should I keep doing, and what should I stop?",
            "How did my last presentation land, and what would have made it better?",
            "Is there anything I did recently that you would have done differently?",
            "Have I followed through on the feedback you gave me last time?",
            "What feedback do you have for me that you have not had a chance to share?",
        ],
    },
    BuiltinTheme {
        tag: ALIGNMENT,
        description: "Priorities and expectations: make sure you are both working towards the same thing.",
        prompts: &[
            "Are we aligned on my top three priorities for this quarter?",
            "What does success look like for this project, in your eyes?",
            "Is there anything I am spending time on that you would drop?",
            "What is the most important thing for the team right now?",
            "How will my work be judged at the next review?",
            "What is changing in the org that I should know about?",
        ],
    },
    BuiltinTheme {
        tag: STATUS,
        description: "A status update, marked on purpose. Share status async where you can; keep the 1:1 for growth, feedback and alignment.",
        prompts: &[],
    },
];
