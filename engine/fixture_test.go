package engine

import (
	"signpost/directory"
)

// rankingFixture is a small hand-made directory around Liverpool city
// centre, each listing placed to test one ranking rule (see
// testdata/ranking.txt). Distances are from the centre.
func rankingFixture() []*directory.Service {
	return []*directory.Service{
		mk("money-near", "Money Matters Advice", "Help with bills and debt from trained advisers.",
			needs("money"), activities("advice"), atKm(0.5, 0), days("TU,TH")),
		mk("money-far", "Bootle Debt Clinic", "Advice on debt and bills.",
			needs("money"), activities("advice"), atKm(5, 0)),
		mk("knit-natter", "Knit and Natter", "Knitting and a chat over tea.",
			needs("lonely"), interests("arts-crafts"), atKm(-0.5, 0)),
		mk("chatty-full", "Chatty Cafe", "A table where anyone can sit down and talk.",
			needs("lonely"), activities("social-group"), atKm(0, 0.5), capacity(directory.CapacityFull)),
		mk("green-fingers", "Green Fingers Allotment", "Grow vegetables and flowers with others.",
			needs("active", "low-mood"), interests("gardening", "outdoors"), atKm(1, 0)),
		mk("garden-far", "Wirral Community Garden", "A gardening project for all.",
			interests("gardening"), atKm(0, -8)),
		mk("calm-online", "Calm Minds Online", "Group sessions on video to help you cope with worry.",
			needs("worry"), activities("counselling", "peer-support"), online()),
		mk("wellbeing-cafe", "Wellbeing Cafe", "A friendly place to talk about how you feel.",
			needs("worry"), activities("drop-in"), atKm(0.3, 0.3)),
		mk("talking-therapy", "Talking Therapies Service", "One-to-one counselling sessions with a qualified counsellor.",
			needs("low-mood"), activities("counselling"), atKm(2, 0)),
		mk("walk-fresh", "Walk and Talk", "Weekly walks through the park.",
			interests("walking"), atKm(1, 1)),
		mk("walk-stale", "Old Park Walkers", "Weekly walks through the park.",
			interests("walking"), atKm(1, 1), assured("2024-01-15")),
		mk("closed-choir", "Closed Choir", "We no longer meet.",
			interests("singing"), atKm(0.1, 0), status(directory.StatusInactive)),
		mk("southport-singers", "Southport Singers", "A community choir by the sea.",
			interests("singing"), atKm(25, 0)),
		mk("city-choir", "City Community Choir", "Sing with us, no experience needed.",
			interests("singing"), atKm(0.2, 0)),
		mk("youth-club", "Youth Drop-in", "Games and chat for young people.",
			needs("confidence"), activities("drop-in"), ages(11, 18), atKm(0.4, 0)),
		mk("pottery", "Pottery Class", "Make a bowl on the wheel.",
			interests("arts-crafts"), activities("class"), cost(5), atKm(0.6, 0)),
		mk("phone-friends", "Friendship Phone Line", "A weekly friendly call from a volunteer.",
			needs("lonely"), activities("helpline", "befriending"), delivery(directory.DeliveryPhone)),
		mk("alpha", "Alpha Coffee Morning", "Coffee and cake.",
			needs("lonely"), activities("social-group"), atKm(2, 2)),
		mk("beta", "Beta Coffee Morning", "Coffee and cake.",
			needs("lonely"), activities("social-group"), atKm(2, 2)),
		mk("job-club", "Job Club", "Help with CVs, applications and interviews.",
			needs("work"), activities("advice"), atKm(0.7, 0)),
		mk("esol", "English Conversation Group", "Practise speaking English over a cuppa.",
			needs("english", "new-to-area"), atKm(0.8, 0), language("pl", "Polish"),
			access("Wheelchair accessible, hearing loop fitted")),
	}
}
