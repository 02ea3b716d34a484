#!/usr/bin/env python3
"""Reference figures of the VADER method (issue #20): vaderSentiment 3.3.2.

    pip install vaderSentiment==3.3.2
    python3 benches/reference/vader_reference.py            # expected.jsonl
    python3 benches/reference/vader_reference.py --texts    # texts.jsonl too

Reads cx-core/tests/data/vader/texts.jsonl (one JSON object a line,
{"text": ...}) and writes cx-core/tests/data/vader/expected.jsonl: the same
texts in the same order with `polarity_scores`' compound, pos, neu and neg.
cx-core/tests/vader_reference.rs checks cx's port against it to 1e-4.

`--texts` first rewrites texts.jsonl from the lists below (vaderSentiment's
README and demo examples, hand-written customer comments, template
combinations with a fixed seed, and edge cases); the checked-in file is the
set the tests use (see cx-core/tests/data/vader/README.md).
"""

import argparse
import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "cx-core" / "tests" / "data" / "vader"

# vaderSentiment's README ("Code Examples") and the demo of
# vaderSentiment.py (3.3.2): sentences, tricky sentences, the paragraph and
# its sentences, the tag lists and the non-English sentences.
README = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Catch utf-8 emoji such as such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews. Unbelievably bad acting!! "
    "Poor direction. VERY poor production. The movie was bad. Very bad movie. VERY BAD movie!",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!!",
    "Poor direction.",
    "VERY poor production.",
    "The movie was bad.",
    "Very bad movie.",
    "VERY BAD movie!",
    "balloons", "cake", "candles", "happy birthday", "friends", "laughing", "smiling", "party",
    "riot", "fire", "fight", "blood", "mob", "war", "police", "tear gas",
    "I'm surprised to see just how amazingly helpful VADER is!",
    "Je suis surpris de voir comment VADER est incroyablement utile !",
    "Ich bin überrascht zu sehen, nur wie erstaunlich nützlich VADER!",
    "Me sorprende ver sólo cómo increíblemente útil VADER!",
    "Sono sorpreso di vedere solo come incredibilmente utile VADER è!",
    "Я удивлен увидеть, как раз как удивительно полезно ВЕЙДЕРА!",
    "私はちょうどどのように驚くほど役に立つベイダーを見て驚いています!",
    "أنا مندهش لرؤية فقط كيف مثير للدهشة فيدر فائدة!",
    "我很惊讶地看到VADER是如此有用!",
    "我很驚訝地看到VADER是如此有用!",
]

# Hand-written customer comments: airline, insurance claims, retail,
# contact centre, and the rules (negation, but, boosters, caps, !!!, ?,
# idioms, emoji, emoticons, kind of, least, never so, contractions).
COMMENTS = [
    "The flight was delayed three hours and nobody told us anything.",
    "Crew were lovely, seats were cramped, food was okay.",
    "Boarding was a total mess but the cabin crew were fantastic!!!",
    "Lost my luggage AGAIN. Never flying with you again!",
    "Check-in took 5 minutes, great job :)",
    "Not bad at all, the upgrade was a nice surprise.",
    "The app kept crashing during check in?? Why???",
    "I wasn't impressed with the lounge, it was dirty and crowded.",
    "Honestly the best airline I've flown with. 10/10 would recommend 👍",
    "Pilot kept us informed, really appreciated that.",
    "Seat 23C was broken and the crew didn't care.",
    "The claim was handled quickly and fairly, thank you!",
    "Three months and my claim is STILL not settled. Unacceptable.",
    "The adjuster was kind of helpful but mostly slow.",
    "I'm not unhappy with the payout, just wish it was faster.",
    "No problems at all, very smooth process.",
    "No help, no answers, no refund.",
    "They denied my claim without any explanation whatsoever.",
    "Excellent service from start to finish 😍😍",
    "Paperwork was a nightmare 😡",
    "The agent was patient and explained everything clearly.",
    "I was on hold for 45 minutes... ridiculous",
    "Great product, terrible delivery.",
    "The shoes fit perfectly and arrived early!",
    "Returned the jacket, refund took forever :(",
    "Staff in store were rude and unhelpful.",
    "Love love LOVE this shop ❤️",
    "The website is ok I guess",
    "Prices are too high for what you get.",
    "The checkout queue was the kiss of death for my lunch break.",
    "This new blender is the bomb!",
    "Yeah right, 'next day delivery'.",
    "Customer service was to die for, honestly.",
    "Never so happy to get off a plane.",
    "Never this good before, keep it up!",
    "At least the staff were friendly.",
    "The least helpful call centre I have ever dealt with.",
    "It was the very least they could do.",
    "Without a doubt the worst experience of my life.",
    "The rep was not very helpful, and not at all friendly.",
    "I don't hate it, but I don't love it either.",
    "The food wasn't great, but the service made up for it.",
    "The service was great, but the food wasn't.",
    "It's fine.",
    "meh",
    "OK",
    "ok!",
    "Okay.",
    "Good.",
    "good",
    "GOOD",
    "Terrible!!!!!!",
    "terrible?",
    "Terrible??",
    "Terrible???",
    "Terrible????",
    "Why would anyone wait 2 hours for a callback?",
    "The agent hung up on me. TWICE.",
    "Sooo slow. Sooooo slow.",
    "Super helpful, super fast, super friendly!",
    "Thank you Maria for sorting out my booking 🙏",
    "Baggage claim took an hour 😤 but the crew were sweet 😊",
    "Worst. Airline. Ever.",
    "The seats were kinda uncomfortable but whatever",
    "The seats were sort of uncomfortable",
    "It was just enough legroom to be bearable.",
    "Hardly a good experience.",
    "Barely acceptable service.",
    "Extremely disappointed with the handling of my claim.",
    "Incredibly good value for money.",
    "The flight attendant was incredibly rude.",
    "I can't say I'm happy with this.",
    "I cannot recommend this insurer enough!",
    "Nothing was wrong, everything was perfect.",
    "Nothing good to say.",
    "Nowhere near as good as last year.",
    "Rarely have I seen such poor service.",
    "Despite the delay, the crew were brilliant.",
    "Not the best, not the worst.",
    "Neither helpful nor polite.",
    "Delivery was late and the box was damaged, but the product works.",
    "Delivery was late and the box was damaged but the product works but the manual is useless.",
    "I love how they lost my bag. Great job. Really.",
    "Call me back when you actually care.",
    "The agent said 'no problem' and then did nothing.",
    "It's not that the staff were bad, they were just overwhelmed.",
    "Brilliant!",
    "Brilliant",
    "BRILLIANT service, terrible app",
    "Terrible app, BRILLIANT service",
    "The new portal is a HUGE improvement.",
    "Claims process: slow. Communication: poor. Outcome: fine.",
    "5 stars",
    "1 star. Avoid.",
    "0/10",
    "Would not recommend.",
    "Would recommend!",
    "Highly recommend 👌",
    "Very very very slow",
    "So so good",
    "Not so good",
    "Not good",
    "not good at all",
    "Isn't good",
    "Isnt good",
    "Didnt like it",
    "Didn't like it",
    "I really didn't like it",
    "I don't dislike it",
    "No complaints!",
    "no comment",
    "No.",
    "No good",
    "No no no no",
    "No bad or good",
    "Yes!",
    "Thanks :-)",
    "Thanks ;)",
    "Hmm :/",
    "Ugh :-(",
    "lol what a joke",
    "LOL",
    "wtf",
    "omg the staff were amazing",
    "OMG the staff were AMAZING",
    "I'm so angry right now",
    "I am SO angry right now!!!",
    "The hotel was nice, the flight wasn't.",
    "Gate agent saved the day!",
    "Service with a smile 😀",
    "Happy customer 😁😁😁",
    "👍",
    "👎",
    "😡😡😡",
    "💩",
    "👍🏽 good stuff",
    "👨\u200d👩\u200d👧 family trip went well",
    "🇬🇧 flag on the plane was cute",
    "Check 1️⃣ then 2️⃣",
    "😀ok",
    "ok😀",
    "great😀great",
    "🔛 time for once",
    "Claim 🆙 and running",
    "Très bon service, merci beaucoup!",
    "Der Flug war pünktlich, super Service.",
    "El servicio fue malo, muy malo.",
    "Servizio ottimo, grazie!",
    "Great service, merci beaucoup!",
    "The agent was sehr freundlich and very helpful.",
    "Obrigado, excellent support.",
    "Очень плохо. Very bad.",
    "サービスは良かった good",
    "服务很好 but the app is bad",
    "ÉTÉ TERRIBLE",
    "ΚΑΚΟ service",
    "Istanbul İyi good",
    "ǅ good",
    "naïve but nice",
    "café was GREAT",
    "e\u0301galement bad",
    "Order #12345 arrived on 12/03/2025, all good.",
    "Visit https://example.com/help for 'help' lol",
    "Email me at jane.doe@example.com, not happy.",
    "Ticket INC-00042: resolved, thanks!",
    "Paid $199.99 for this?!",
    "50% off but still overpriced",
    "Call +44 20 7946 0000 -- useless",
    "2 + 2 = 4",
    "...",
    "!!!",
    "???",
    "?!?!",
    ":)",
    ":(",
    ":-D",
    "<3",
    "</3",
    "",
    " ",
    "   \t\n  ",
    "\n",
    "\u00a0",
    "\u3000good\u3000",
    "good\u001fbad",
    "good\u200bbad",
    "tab\tseparated\tgood\twords",
    "line one is good\nline two is bad\r\nline three is okay",
    "Control \u0007 chars \u0000 are fine",
    "good\u0301",
    "BUT it was good",
    "but",
    "good but",
    "but good",
    "good but bad but good",
    "bad bad but good good",
    "The crew was good, the food was good, but the seat was good.",
    "kind of",
    "kind of good",
    "kind",
    "it was kind",
    "sort of bad",
    "just enough good",
    "the shit",
    "this is the shit",
    "bus stop was crowded but nice",
    "yeah right great service",
    "yeah right",
    "bad ass customer support",
    "badass support",
    "beating heart of the airline",
    "upper hand",
    "under the weather and the flight was bad",
    "the kiss of death",
    "a kiss of death to the brand",
    "least",
    "least good",
    "at least good",
    "very least good",
    "not least good",
    "the least bad option",
    "never so bad",
    "never this bad",
    "so this good",
    "this so good",
    "not this so good",
    "without doubt good",
    "without any doubt good",
    "without doubt the good",
    "never been so good",
    "not not good",
    "VERY good",
    "very GOOD",
    "Very GOOD service",
    "VERY GOOD SERVICE",
    "VERY GOOD service",
    "EXTREMELY bad service",
    "extremely BAD service",
    "FRIGGIN slow",
    "It's NOT good",
    "it's NOT GOOD but OK",
    "\u212aind of good",
    "KIND OF GOOD but ok",
    "ΚΑΚΟΣ service, GOOD crew",
    "GOOD\u001cbad",
    "good\u2028bad\u2029fine",
    "very\u00a0good",
    "very\u200bgood",
    "Ok :D",
    "i LOVE IT",
    "İYİ good",
    "ǅ GOOD crew",
    "no no good",
    "no, not good",
    "not so bad",
    "not so bad, I guess, but not great either",
    "good 🏽",
    "😀😀 great 😀",
    "great 😀!",
    "Great!!! But... late!!!",
    "NO problem",
    "No PROBLEM at all",
    "nor good nor bad",
    "it is not bad. it is not good. it is ok",
    "hardly GREAT, barely OK",
    "\"Great\" service... NOT",
    "(good)",
    "[bad]",
    "'terrible'",
    "--awful--",
    "A+ service",
    "F- service",
    "sooo good",
    "gooood",
    "lol but okay",
    "LOL but okay then",
    "The wait was ok but the lounge was good",
]

# Template parts for varied realistic comments (combined with a fixed seed).
SUBJECTS = {
    "airline": ["the flight", "the crew", "check-in", "boarding", "the lounge", "my seat",
                "the in-flight meal", "baggage drop", "the gate staff", "the connection"],
    "insurance": ["the claim", "the adjuster", "the payout", "the claims portal",
                  "my case handler", "the settlement", "the paperwork", "the assessor"],
    "retail": ["delivery", "the product", "the store", "the returns process", "checkout",
               "the packaging", "the price", "the sales assistant"],
    "contact": ["the agent", "the call", "the hold time", "the chat bot", "the callback",
                "the phone menu", "the email reply", "the team lead"],
}
VERBS = ["was", "is", "felt", "seemed", "has been", "wasn't", "isn't", "was not",
         "was never", "will never be", "hasn't been"]
MODIFIERS = ["", "", "", "very ", "really ", "extremely ", "kind of ", "sort of ", "slightly ",
             "barely ", "so ", "totally ", "VERY ", "kinda ", "quite ", "somewhat ",
             "incredibly ", "hardly ", "most ", "less "]
ADJECTIVES = ["good", "great", "excellent", "fine", "okay", "helpful", "friendly", "fast",
              "slow", "bad", "terrible", "awful", "rude", "confusing", "clean", "dirty",
              "late", "smooth", "frustrating", "pleasant", "disappointing", "amazing",
              "useless", "professional", "careless", "efficient", "horrible", "perfect",
              "acceptable", "lovely", "annoying", "reliable", "broken", "outstanding"]
CONNECTORS = [". ", ", ", " but ", " and ", "; ", "! ", " although ", "... ", " BUT ", "\n"]
ENDINGS = ["", "", "", ".", "!", "!!", "!!!", "?", "??", "?!", " :)", " :(", " 😊", " 😡",
           " 👍", " lol", " thanks", " ugh", " smh", " :D", " ;-)", " 🙄", " ❤️", " 😂"]
OPENERS = ["", "", "", "Honestly, ", "Well, ", "To be fair, ", "Sadly, ", "Overall ",
           "As usual ", "OMG ", "Wow, ", "Not gonna lie, ", "At least ", "Unfortunately, ",
           "Thankfully ", "No way ", "Yeah right, "]


def clause(rng, domain):
    subject = rng.choice(SUBJECTS[domain])
    adj = rng.choice(ADJECTIVES)
    if rng.random() < 0.1:
        adj = adj.upper()
    return f"{subject} {rng.choice(VERBS)} {rng.choice(MODIFIERS)}{adj}"


def generated(n, seed=20):
    rng = random.Random(seed)
    out = []
    domains = sorted(SUBJECTS)
    for _ in range(n):
        domain = rng.choice(domains)
        parts = [clause(rng, domain) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]
        text = parts[0]
        for p in parts[1:]:
            text += rng.choice(CONNECTORS) + p
        text = rng.choice(OPENERS) + text + rng.choice(ENDINGS)
        if rng.random() < 0.5:
            text = text[0].upper() + text[1:]
        out.append(text)
    return out


def long_texts(seed=21):
    rng = random.Random(seed)
    out = []
    for words in (200, 1000, 1500):
        parts = [clause(rng, rng.choice(sorted(SUBJECTS))) for _ in range(words // 5)]
        out.append(". ".join(parts) + ".")
    # A long comment with "but" and many equal sentiments (the list.index
    # quirk of _but_check at scale).
    out.append(" ".join(["good"] * 300 + ["but"] + ["bad", "good"] * 300))
    out.append("great " * 2000)
    return out


def texts():
    seen, out = set(), []
    for t in README + COMMENTS + generated(520) + long_texts():
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", action="store_true", help="rewrite texts.jsonl first")
    args = ap.parse_args()
    from vaderSentiment import vaderSentiment as vs  # pip install vaderSentiment==3.3.2
    import importlib.metadata

    version = importlib.metadata.version("vaderSentiment")
    if version != "3.3.2":
        sys.exit(f"vaderSentiment {version}: the reference is 3.3.2")
    DATA.mkdir(parents=True, exist_ok=True)
    if args.texts:
        with open(DATA / "texts.jsonl", "w", encoding="utf-8") as f:
            for t in texts():
                f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    analyzer = vs.SentimentIntensityAnalyzer()
    n = 0
    with open(DATA / "texts.jsonl", encoding="utf-8") as src, \
            open(DATA / "expected.jsonl", "w", encoding="utf-8") as dst:
        for line in src:
            t = json.loads(line)["text"]
            s = analyzer.polarity_scores(t)
            rec = {"compound": s["compound"], "pos": s["pos"], "neu": s["neu"], "neg": s["neg"]}
            dst.write(json.dumps(rec) + "\n")
            n += 1
    print(f"{n} texts, vaderSentiment {version}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
