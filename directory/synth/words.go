package synth

// The word lists below are what synthetic listings are written from. They
// are deliberately varied, with synonyms behind {slots}, so that the text
// index sees realistic term statistics: common words everywhere, topic words
// clustered with their needs and interests, and a long tail.

// place is a town or district of the Liverpool City Region with its rough
// centre and a postcode district.
type place struct {
	name     string
	lat, lon float64
	postcode string
	council  string
}

var places = []place{
	{"Liverpool city centre", 53.4084, -2.9916, "L1", "Liverpool"},
	{"Anfield", 53.4332, -2.9608, "L4", "Liverpool"},
	{"Everton", 53.4226, -2.9740, "L5", "Liverpool"},
	{"Kensington", 53.4100, -2.9530, "L7", "Liverpool"},
	{"Toxteth", 53.3900, -2.9660, "L8", "Liverpool"},
	{"Walton", 53.4480, -2.9640, "L9", "Liverpool"},
	{"Norris Green", 53.4440, -2.9240, "L11", "Liverpool"},
	{"West Derby", 53.4340, -2.9070, "L12", "Liverpool"},
	{"Old Swan", 53.4150, -2.9180, "L13", "Liverpool"},
	{"Wavertree", 53.3970, -2.9220, "L15", "Liverpool"},
	{"Aigburth", 53.3660, -2.9300, "L17", "Liverpool"},
	{"Allerton", 53.3700, -2.9000, "L18", "Liverpool"},
	{"Garston", 53.3490, -2.8990, "L19", "Liverpool"},
	{"Speke", 53.3400, -2.8500, "L24", "Liverpool"},
	{"Woolton", 53.3750, -2.8650, "L25", "Liverpool"},
	{"Croxteth", 53.4500, -2.8900, "L11", "Liverpool"},
	{"Bootle", 53.4460, -2.9930, "L20", "Sefton"},
	{"Litherland", 53.4700, -2.9980, "L21", "Sefton"},
	{"Crosby", 53.4900, -3.0200, "L23", "Sefton"},
	{"Maghull", 53.5160, -2.9410, "L31", "Sefton"},
	{"Formby", 53.5580, -3.0700, "L37", "Sefton"},
	{"Southport", 53.6450, -3.0100, "PR8", "Sefton"},
	{"Kirkby", 53.4810, -2.8920, "L32", "Knowsley"},
	{"Huyton", 53.4110, -2.8400, "L36", "Knowsley"},
	{"Prescot", 53.4290, -2.8000, "L34", "Knowsley"},
	{"Halewood", 53.3600, -2.8300, "L26", "Knowsley"},
	{"St Helens", 53.4530, -2.7370, "WA10", "St Helens"},
	{"Haydock", 53.4680, -2.6800, "WA11", "St Helens"},
	{"Rainhill", 53.4170, -2.7660, "L35", "St Helens"},
	{"Widnes", 53.3610, -2.7330, "WA8", "Halton"},
	{"Runcorn", 53.3420, -2.7300, "WA7", "Halton"},
	{"Birkenhead", 53.3930, -3.0140, "CH41", "Wirral"},
	{"Wallasey", 53.4230, -3.0650, "CH44", "Wirral"},
	{"Moreton", 53.4010, -3.1110, "CH46", "Wirral"},
	{"Bebington", 53.3500, -3.0030, "CH63", "Wirral"},
	{"Bromborough", 53.3300, -2.9800, "CH62", "Wirral"},
	{"Heswall", 53.3280, -3.0980, "CH60", "Wirral"},
	{"Upton", 53.3870, -3.0850, "CH49", "Wirral"},
}

var streets = []string{
	"Church Road", "High Street", "Park Road", "Station Road", "Queens Drive", "Smithdown Road",
	"County Road", "Stanley Road", "Derby Road", "Lord Street", "Market Street", "Victoria Road",
	"Mill Lane", "Green Lane", "Moss Lane", "Oxford Street", "Grange Road", "Borough Road",
	"Liscard Road", "Knowsley Lane", "Hall Lane", "Prescot Road", "Rice Lane", "Breck Road",
	"Allerton Road", "Aigburth Road", "Heyworth Street", "Netherfield Road", "Mather Avenue", "Lark Lane",
}

var venues = []string{
	"Community Centre", "Library", "Church Hall", "Methodist Hall", "Leisure Centre", "Neighbourhood Hub",
	"Health Centre", "Youth and Community Centre", "Parish Rooms", "Family Hub", "Community Garden",
	"Sports Centre", "Arts Centre", "Scout Hut", "Memorial Hall", "Cafe", "Resource Centre",
}

var orgPrefixes = []string{"Friends of", "The", "Together", "Heart of", "North", "South", "Healthy", "Hope"}

var orgSuffixes = []string{
	"Community Trust", "Neighbourhood Network", "Wellbeing Partnership", "Voluntary Action",
	"Community Association", "Development Trust", "Residents Association", "Charitable Trust",
	"Community Interest Company", "Mutual Aid", "Hub", "Foundation",
}

// needWords name a service for a need ("Money Advice Service").
var needWords = map[string][]string{
	"lonely":              {"Friendship", "Good Company", "Chatterbox", "Connect"},
	"low-mood":            {"Wellbeing", "Brighter Days", "Mood Boost"},
	"worry":               {"Calm Minds", "Stress Less", "Anxiety"},
	"bereavement":         {"Bereavement", "Grief", "Remembering Together"},
	"money":               {"Money", "Debt", "Money Matters"},
	"benefits":            {"Benefits", "Welfare Rights", "Entitlements"},
	"housing":             {"Housing", "Tenancy", "Home"},
	"work":                {"Jobs and Skills", "Work Club", "Back to Work"},
	"active":              {"Get Moving", "Active", "Fit for Life"},
	"healthy-eating":      {"Healthy Eating", "Eat Well", "Good Food"},
	"long-term-condition": {"Living Well", "Breathe Easy", "Long Covid", "Diabetes"},
	"carer":               {"Carers", "Young Carers", "Carers Break"},
	"confidence":          {"Confidence", "Fresh Start", "Stepping Stones"},
	"new-to-area":         {"New Neighbours", "Welcome", "Sanctuary"},
	"digital":             {"Digital", "Get Online", "Tech Help"},
	"english":             {"English Conversation", "ESOL", "Speak Easy"},
	"family":              {"Family", "Parents", "Dads", "Stay and Play"},
	"alcohol-drugs":       {"Recovery", "Sober Social", "Fresh Air Recovery"},
	"safety":              {"Safe Spaces", "Freedom", "Safer Homes"},
	"food":                {"Community Pantry", "Food Club", "Community Fridge"},
}

// interestWords name a service for an interest ("Gardening Club").
var interestWords = map[string][]string{
	"arts-crafts":  {"Craft", "Knit and Natter", "Art", "Sewing"},
	"music":        {"Music", "Ukulele", "Guitar", "Drumming"},
	"singing":      {"Singing", "Community Choir", "Singing for the Brain"},
	"gardening":    {"Gardening", "Allotment", "Green Fingers", "Growing"},
	"walking":      {"Walking", "Health Walks", "Ramblers"},
	"sport":        {"Walking Football", "Bowls", "Table Tennis", "Badminton"},
	"dance":        {"Dance", "Tea Dance", "Line Dancing", "Seated Dance"},
	"cooking":      {"Cookery", "Cook and Eat", "Baking"},
	"reading":      {"Book", "Reading", "Shared Reading"},
	"nature":       {"Nature", "Wildlife", "Birdwatching"},
	"faith":        {"Faith", "Fellowship", "Prayer and Chat"},
	"volunteering": {"Volunteers", "Community Volunteers", "Helping Hands"},
	"learning":     {"Learning", "Adult Learning", "Skills"},
	"technology":   {"Tech", "Computer", "Tablet"},
	"games":        {"Games", "Bingo", "Chess", "Quiz"},
	"history":      {"Heritage", "Local History", "Memories"},
	"photography":  {"Photography", "Camera", "Photo Walk"},
	"mindfulness":  {"Mindfulness", "Yoga", "Tai Chi", "Relaxation"},
	"swimming":     {"Swimming", "Aqua Fit", "Swim"},
	"cycling":      {"Cycling", "Bike Ride", "Pedal Power"},
	"animals":      {"Animal", "Dog Walking", "Farm"},
	"drama":        {"Drama", "Theatre", "Acting"},
	"writing":      {"Writing", "Creative Writing", "Poetry"},
	"outdoors":     {"Outdoor", "Green Gym", "Beach Clean"},
}

// activityWords end a service's name ("... Drop-in").
var activityWords = map[string][]string{
	"peer-support": {"Peer Support Group", "Support Group", "Circle"},
	"counselling":  {"Counselling Service", "Talking Therapy", "Listening Service"},
	"advice":       {"Advice Service", "Advice Surgery", "Advice Line"},
	"befriending":  {"Befriending Scheme", "Befrienders", "Phone Friends"},
	"volunteering": {"Volunteering", "Volunteer Team", "Volunteer Project"},
	"class":        {"Class", "Course", "Workshop"},
	"social-group": {"Club", "Social", "Group", "Cafe"},
	"exercise":     {"Sessions", "Fitness", "Exercise Group"},
	"helpline":     {"Helpline", "Support Line", "Listening Line"},
	"drop-in":      {"Drop-in", "Drop-in Cafe", "Open Session"},
}

// activitySentences open a description; {x} slots are filled from slots.
var activitySentences = map[string][]string{
	"peer-support": {
		"A {friendly} peer support group where {people} who have been through the same thing share what helps.",
		"Meet others who understand, in a {friendly} group led by people with lived experience.",
	},
	"counselling": {
		"Free, confidential talking therapy with a trained counsellor, for up to {count} sessions.",
		"One-to-one counselling in a {quiet} room, with no judgement and at your own pace.",
	},
	"advice": {
		"Practical advice from trained advisers who can help you understand your options and take the next step.",
		"Bring your letters and questions: our advisers explain things in plain words and can help with forms.",
	},
	"befriending": {
		"A volunteer befriender visits or phones each week for a chat, a cuppa and some company.",
		"We match you with a {friendly} volunteer who shares your interests and keeps in touch every week.",
	},
	"volunteering": {
		"Give a few hours a week and meet new people while helping your community.",
		"Volunteering roles for every ability, with training, support and expenses paid.",
	},
	"class": {
		"A {weekly} class for beginners and improvers, taught by a {patient} tutor in a small group.",
		"A {count}-week course where you learn something new alongside {people} from your area.",
	},
	"social-group": {
		"A {friendly} social group that meets {weekly} for conversation, laughter and a brew.",
		"Drop the worry about walking in alone: our welcomers meet every newcomer at the door.",
	},
	"exercise": {
		"Gentle exercise sessions that build strength, balance and stamina, whatever your starting point.",
		"Low-impact activity led by a qualified instructor, adapted for every body and every fitness level.",
	},
	"helpline": {
		"A free, confidential phone line staffed by trained volunteers who will listen without judging.",
		"Call us for a {friendly} voice, information and support; we can also ring you back.",
	},
	"drop-in": {
		"Call in whenever suits you during opening hours: no appointment and no referral needed.",
		"An informal drop-in where you can pop in for a chat, information or just a warm space.",
	},
}

// needSentences say how a service helps with a need.
var needSentences = map[string][]string{
	"lonely":              {"If you are feeling lonely or cut off, it is a gentle way to meet {people} and make friends.", "Many members first came because they had lost touch with others; now they look forward to it every week."},
	"low-mood":            {"Spending time with others and doing something you enjoy can lift a low mood.", "If you have been feeling down, flat or low, you will find understanding here."},
	"worry":               {"We know stress and anxiety can make it hard to go somewhere new, so we keep things calm and unhurried.", "Learn simple ways to manage worry, breathing and panic."},
	"bereavement":         {"For anyone grieving the death of someone close, however long ago it was.", "Talking about loss with people who understand can ease the loneliness of grief."},
	"money":               {"Get help with debts, budgeting, bills, arrears and dealing with creditors.", "Our money advisers can check you are not paying more than you need for energy and water."},
	"benefits":            {"We check what benefits you are entitled to and help with Universal Credit, PIP and appeals.", "Help with benefit claims, forms, sanctions and mandatory reconsiderations."},
	"housing":             {"Advice on renting, repairs, rent arrears, eviction and homelessness.", "We can speak to your landlord or housing association with you."},
	"work":                {"Support with CVs, job searching, interviews and training courses.", "Build skills and confidence for getting back into work or volunteering."},
	"active":              {"A gentle way to be more active, improve your fitness and sleep better.", "Move more at your own pace; chairs are available if you need a rest."},
	"healthy-eating":      {"Learn to cook healthy meals on a budget with fresh, seasonal ingredients.", "Recipes, tips and tasters to help you eat well and feel better."},
	"long-term-condition": {"For people living with long-term conditions such as COPD, diabetes, arthritis or heart disease.", "Learn to manage symptoms, fatigue and pain alongside others living with the same condition."},
	"carer":               {"Time for yourself if you look after a partner, parent, child or friend.", "Carers can get a break, information about carers' assessments and a listening ear."},
	"confidence":          {"Rebuild confidence, find purpose and try something new in a supportive setting.", "Set small goals and celebrate progress with others who are doing the same."},
	"new-to-area":         {"New to {place}? Find out what is on locally and meet your neighbours.", "We welcome refugees, asylum seekers and anyone who has recently moved here."},
	"digital":             {"Help using a smartphone, tablet or laptop, getting online safely and using the NHS App.", "Bring your own device or borrow one of ours; we go at your pace."},
	"english":             {"Practise speaking English in relaxed conversation, whatever your level.", "ESOL learners are welcome; conversation topics are everyday life in {place}."},
	"family":              {"For parents, grandparents and carers with young children.", "Family activities, parenting tips and a chance to meet other families."},
	"alcohol-drugs":       {"For anyone in recovery from alcohol or drugs, and people worried about their drinking.", "A sober, friendly space with people who have been there themselves."},
	"safety":              {"Confidential support if you feel unsafe at home or are affected by domestic abuse.", "Our trained workers can help you make a safety plan; you can talk to us in confidence."},
	"food":                {"Affordable food every week, with fresh fruit and vegetables and store cupboard staples.", "A hot meal, a food parcel and friendly faces for anyone struggling to afford food."},
}

// interestSentences describe what a service does.
var interestSentences = map[string][]string{
	"arts-crafts":  {"Try painting, drawing, knitting, crochet, collage and seasonal crafts.", "All materials are provided, from paints and paper to wool and fabric."},
	"music":        {"Play and learn music together, from ukulele and guitar to percussion.", "Instruments are provided and no experience of reading music is needed."},
	"singing":      {"Sing popular songs, old favourites and harmonies in a {friendly} choir.", "Singing together is good for breathing, mood and memory, and nobody has to sing alone."},
	"gardening":    {"Grow vegetables, herbs and flowers in raised beds, and learn about composting and seeds.", "Tools, gloves and seeds are provided; take home what you grow."},
	"walking":      {"Led walks of about an hour on flat paths through parks and green spaces.", "Walk at your own pace with a trained walk leader, ending with a cuppa."},
	"sport":        {"Adapted sport such as walking football, bowls and table tennis, played for fun.", "No need to be sporty: it is about teamwork, laughter and keeping moving."},
	"dance":        {"Dance to music from every decade, from ballroom to Bollywood, seated or standing.", "Learn easy steps and routines; partners are not needed."},
	"cooking":      {"Cook a simple, tasty meal together and sit down to eat it as a group.", "Learn basic kitchen skills, batch cooking and how to use leftovers."},
	"reading":      {"Stories and poems are read aloud and talked about; nobody has to read.", "Borrow books, share recommendations and chat about what you are reading."},
	"nature":       {"Spot birds, trees and wildflowers and learn about local wildlife.", "Get close to nature in parks, woodland and along the coast and canals."},
	"faith":        {"A welcoming faith community, open to people of every faith and none.", "Quiet reflection, fellowship and a shared meal."},
	"volunteering": {"Help run the session, welcome newcomers or lend a hand in the kitchen.", "Volunteers receive training and references."},
	"learning":     {"Learn a new skill, from languages and local history to first aid.", "Informal learning with no exams, certificates available if you want one."},
	"technology":   {"Learn to video call family, shop online and stay safe from scams.", "Friendly digital champions help with phones, tablets and email."},
	"games":        {"Board games, cards, dominoes, quizzes and bingo, with plenty of chat.", "Brain-training puzzles, jigsaws and a weekly quiz."},
	"history":      {"Share memories and discover the history and heritage of {place}.", "Old photographs, maps and stories bring the past to life."},
	"photography":  {"Take photos on a phone or camera and learn composition and editing.", "Photo walks explore the streets, docks and parks of the area."},
	"mindfulness":  {"Gentle yoga, tai chi, meditation and breathing to relax body and mind.", "Learn mindfulness techniques you can use every day to feel calmer."},
	"swimming":     {"Relaxed swimming and aqua aerobics in a warm pool, with changing support.", "Lessons for adults who never learned to swim or want to regain confidence in the water."},
	"cycling":      {"Led bike rides on quiet routes and traffic-free paths; bikes can be borrowed.", "Learn cycling skills, basic bike maintenance and safe routes."},
	"animals":      {"Spend time with animals, from dog walking to caring for farm animals.", "Help look after the animals and learn about their care."},
	"drama":        {"Drama games, improvisation and short plays, with a performance if the group wants one.", "Theatre trips and backstage tours are part of the programme."},
	"writing":      {"Write stories, poems and memories with gentle prompts and encouragement.", "Share your writing if you want to; there is no pressure to read aloud."},
	"outdoors":     {"Practical conservation, beach cleans and outdoor activities in all weathers.", "Fresh air, green spaces and a sense of achievement."},
}

// generalSentences fill a description out to its length.
var generalSentences = []string{
	"Everyone is welcome, whatever your age, background or ability.",
	"You do not need any experience to join in.",
	"Come along on your own or bring a friend.",
	"Tea, coffee and biscuits are provided.",
	"Our volunteers will give you a {friendly} welcome when you arrive.",
	"We meet at {venue}, close to bus stops and with parking nearby.",
	"Sessions are {friendly} and relaxed, and you can go at your own pace.",
	"Many people come because their GP or a social prescribing link worker suggested it.",
	"There is no need to book; just turn up.",
	"Please ring us before your first visit so we know to look out for you.",
	"The venue has step-free access and an accessible toilet.",
	"We can arrange an interpreter if you let us know in advance.",
	"Family members and carers are welcome to come too.",
	"Places are limited, so please get in touch to reserve yours.",
	"The group is run by local people for local people in {place}.",
	"It is a {quiet} space to take a break from everyday pressures.",
	"Follow us online for news, photos and changes to the timetable.",
	"Sessions run all year except bank holidays.",
	"We are part of a wider network of community groups across the Liverpool City Region.",
	"Referrals are welcome from link workers, health visitors and housing officers.",
	"Feedback from members shapes what we do next.",
	"Light refreshments and a warm room are always on offer.",
}

// slots holds the synonyms a {slot} is filled from.
var slots = map[string][]string{
	"friendly": {"friendly", "welcoming", "relaxed", "supportive", "informal", "cheerful", "warm", "easy-going"},
	"people":   {"people", "neighbours", "local residents", "adults", "others", "members"},
	"quiet":    {"quiet", "calm", "safe", "peaceful", "private"},
	"patient":  {"patient", "experienced", "encouraging", "friendly", "qualified"},
	"weekly":   {"weekly", "every week", "each week"},
	"count":    {"six", "eight", "ten", "twelve"},
}

var languageChoices = []struct{ name, code string }{
	{"Polish", "pl"}, {"Arabic", "ar"}, {"Somali", "so"}, {"Cantonese", "yue"}, {"Urdu", "ur"},
	{"Welsh", "cy"}, {"Farsi", "fa"}, {"Kurdish", "ku"}, {"Romanian", "ro"}, {"British Sign Language", "bfi"},
}

var accessibilityChoices = []string{
	"Step-free access to the building.", "Accessible toilet.", "Hearing loop at reception.",
	"Lift to all floors.", "Seating available throughout.", "Quiet room available on request.",
	"Large-print materials on request.", "Disabled parking bays outside.",
}
