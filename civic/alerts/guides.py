# ruff: noqa: E501  (prose: one sentence per line reads better than wrapped strings)
"""Safety behaviour guides per alert type, in Korean and English.

Written for civic from general public-safety advice (what to do before, during and after).
The texts live here per language, not in the message catalog, because they are long prose that
is edited as a whole; the service worker precaches the pages so they work offline.
"""

from __future__ import annotations

GUIDE_TYPES = ("heavy_rain", "typhoon", "heavy_snow", "fire", "traffic_accident", "earthquake",
               "heat_wave", "fine_dust", "cold_wave", "wildfire", "air_raid", "missing_person",
               "infectious_disease", "power_outage")

GUIDES: dict[str, dict[str, dict]] = {
    "heavy_rain": {
        "ko": {"title": "호우", "summary": "낮은 곳과 물가를 피하고 높은 곳으로 이동하세요.", "steps": [
            "하천, 계곡, 지하차도, 지하 주차장 등 물이 불어날 수 있는 곳에 가지 마세요.",
            "반지하·지하 공간에 있다면 물이 들어오기 전에 지상의 높은 곳으로 대피하세요.",
            "물이 흐르는 도로는 발목 높이라도 걸어서나 차로 건너지 마세요.",
            "맨홀과 배수구 근처를 피하고, 끊어진 전선에 가까이 가지 마세요.",
            "재난 문자와 방송으로 대피 안내를 확인하고, 대피 권고가 나오면 바로 따르세요.",
        ]},
        "en": {"title": "Heavy rain", "summary": "Stay away from low ground and water; move higher.", "steps": [
            "Do not go near rivers, streams, underpasses or underground car parks, where water rises fast.",
            "If you are in a basement or semi-basement home, move to higher ground before water comes in.",
            "Never walk or drive through flowing water on a road, even if it looks shallow.",
            "Keep away from manholes, drains and fallen power lines.",
            "Follow official alerts and broadcasts; leave at once when told to evacuate.",
        ]},
    },
    "typhoon": {
        "ko": {"title": "태풍", "summary": "외출을 삼가고 창문에서 떨어져 실내에 머무르세요.", "steps": [
            "태풍이 오기 전 창문을 단단히 잠그고 베란다와 바깥의 날아갈 수 있는 물건을 치우세요.",
            "가능하면 외출하지 말고, 창문과 유리문에서 떨어진 곳에 머무르세요.",
            "간판, 공사장, 가로수, 전신주 근처를 피하세요.",
            "해안가, 하천, 저지대에 있다면 미리 안전한 곳으로 이동하세요.",
            "정전에 대비해 손전등, 휴대전화 보조배터리, 식수를 준비하세요.",
        ]},
        "en": {"title": "Typhoon", "summary": "Stay indoors, away from windows.", "steps": [
            "Before it arrives, lock windows and bring in or tie down anything outside that could blow away.",
            "Stay indoors if you can, away from windows and glass doors.",
            "Keep clear of signboards, building sites, street trees and power poles.",
            "If you live by the coast, a river or on low ground, move somewhere safe early.",
            "Prepare for power cuts: a torch, a charged power bank and drinking water.",
        ]},
    },
    "heavy_snow": {
        "ko": {"title": "대설", "summary": "외출과 운전을 줄이고 미끄럼에 주의하세요.", "steps": [
            "꼭 필요한 경우가 아니면 외출과 운전을 삼가고 대중교통을 이용하세요.",
            "걸을 때는 미끄럼이 덜한 신발을 신고 주머니에서 손을 빼고 천천히 걸으세요.",
            "집 앞과 지붕의 눈을 자주 치우되, 무리하지 말고 혼자 지붕에 올라가지 마세요.",
            "비닐하우스, 천막 등 약한 구조물은 눈의 무게로 무너질 수 있으니 가까이 가지 마세요.",
            "운전해야 한다면 체인 등 월동 장비를 갖추고 차간 거리를 충분히 두세요.",
        ]},
        "en": {"title": "Heavy snow", "summary": "Travel less, and watch your footing.", "steps": [
            "Avoid going out or driving unless you must; use public transport.",
            "Wear shoes with grip, keep your hands out of your pockets and walk slowly.",
            "Clear snow in front of your home often, without overexerting; never climb a roof alone.",
            "Keep away from greenhouses, tents and other light structures that snow can collapse.",
            "If you must drive, fit chains or winter tyres and keep a long distance to the car ahead.",
        ]},
    },
    "fire": {
        "ko": {"title": "화재", "summary": "“불이야!” 외치고, 낮은 자세로 대피한 뒤 119에 신고하세요.", "steps": [
            "불을 발견하면 “불이야!” 하고 크게 외쳐 주변에 알리고 화재경보기를 누르세요.",
            "연기가 있으면 젖은 천으로 코와 입을 막고 몸을 낮춰 벽을 짚으며 대피하세요.",
            "엘리베이터를 타지 말고 계단으로 아래층으로 대피하세요. 아래로 갈 수 없으면 옥상으로 가세요.",
            "문을 열기 전 손잡이가 뜨거운지 확인하고, 뜨거우면 다른 길을 찾으세요.",
            "안전한 곳에 도착하면 119에 신고하고, 다시 안으로 들어가지 마세요.",
        ]},
        "en": {"title": "Fire", "summary": "Shout “Fire!”, get out low, then call 119.", "steps": [
            "Shout “Fire!” to warn others and press the fire alarm.",
            "In smoke, cover your nose and mouth with a wet cloth, stay low and follow the wall out.",
            "Use the stairs, never the lift; go down, or to the roof if the way down is blocked.",
            "Before opening a door, feel the handle; if it is hot, use another way out.",
            "Once safe, call 119 and do not go back inside.",
        ]},
    },
    "traffic_accident": {
        "ko": {"title": "교통사고", "summary": "2차 사고를 막고, 다친 사람을 살피고, 112·119에 신고하세요.", "steps": [
            "비상등을 켜고, 안전하다면 차를 갓길로 옮긴 뒤 사람은 가드레일 밖으로 피하세요.",
            "차 뒤쪽에 안전삼각대를 세우거나 불꽃신호기를 두어 뒤차에 알리세요.",
            "다친 사람이 있으면 119에, 사고 신고는 112에 하세요.",
            "목이나 허리를 다친 것 같은 사람은 위험하지 않다면 함부로 옮기지 마세요.",
            "사고 현장과 차량 위치를 사진으로 남겨 두세요.",
        ]},
        "en": {"title": "Traffic accident", "summary": "Prevent a second crash, help the injured, call 112 / 119.",
               "steps": [
            "Turn on the hazard lights; if safe, move the car to the shoulder and get everyone behind the guardrail.",
            "Set up a warning triangle or flare well behind the car to warn other drivers.",
            "Call 119 if anyone is hurt, and 112 to report the accident.",
            "Do not move anyone who may have a neck or back injury unless they are in danger.",
            "Take photos of the scene and the positions of the vehicles.",
        ]},
    },
    "earthquake": {
        "ko": {"title": "지진", "summary": "흔들릴 때는 탁자 아래로, 흔들림이 멈추면 넓은 곳으로 대피하세요.", "steps": [
            "흔들리는 동안 튼튼한 탁자 아래로 들어가 탁자 다리를 잡고 머리를 보호하세요.",
            "흔들림이 멈추면 전기와 가스를 차단하고 문을 열어 출구를 확보하세요.",
            "엘리베이터 대신 계단으로 건물 밖으로 나가세요.",
            "밖에서는 건물, 유리창, 간판, 전신주에서 떨어져 운동장이나 공원 같은 넓은 곳으로 가세요.",
            "여진에 대비하고, 라디오와 재난 문자로 안내를 확인하세요.",
        ]},
        "en": {"title": "Earthquake", "summary": "Drop, cover and hold on; when it stops, go to open ground.",
               "steps": [
            "While it shakes, get under a sturdy table, hold on to its legs and protect your head.",
            "When the shaking stops, turn off electricity and gas and open the door to keep a way out.",
            "Leave the building by the stairs, not the lift.",
            "Outside, keep away from buildings, windows, signboards and poles; go to a park or schoolyard.",
            "Expect aftershocks; follow radio and official alerts.",
        ]},
    },
    "heat_wave": {
        "ko": {"title": "폭염", "summary": "물을 자주 마시고, 한낮 야외 활동을 피하세요.", "steps": [
            "목이 마르지 않아도 물을 자주 마시세요.",
            "가장 더운 낮 12시부터 5시 사이에는 야외 활동을 줄이세요.",
            "헐렁하고 밝은 색 옷을 입고, 외출할 때는 모자나 양산을 쓰세요.",
            "에어컨이 없다면 가까운 무더위쉼터를 이용하세요.",
            "어지러움, 두통, 메스꺼움이 있으면 시원한 곳에서 쉬고, 심하면 119에 신고하세요. 홀로 계신 이웃을 살펴 주세요.",
        ]},
        "en": {"title": "Heat wave", "summary": "Drink water often; avoid the midday sun.", "steps": [
            "Drink water often, even before you feel thirsty.",
            "Cut down outdoor activity in the hottest hours, from noon to 5 pm.",
            "Wear loose, light-coloured clothes and a hat or parasol outside.",
            "Without air conditioning, go to a nearby cooling shelter.",
            "If you feel dizzy, have a headache or feel sick, rest somewhere cool; call 119 if it is serious. Check on neighbours who live alone.",
        ]},
    },
    "fine_dust": {
        "ko": {"title": "미세먼지", "summary": "외출을 줄이고, 나갈 때는 보건용 마스크를 쓰세요.", "steps": [
            "외출과 격한 야외 운동을 줄이세요. 어린이, 노인, 호흡기·심장 질환자는 특히 조심하세요.",
            "외출할 때는 식약처 인증 보건용 마스크(KF80 이상)를 쓰세요.",
            "창문을 닫고, 환기는 짧게 하며 공기청정기를 사용하세요.",
            "외출 후에는 손과 얼굴을 씻고 물을 충분히 마시세요.",
            "차량 운행을 줄이고 대중교통을 이용하세요.",
        ]},
        "en": {"title": "Fine dust", "summary": "Go out less; wear a certified mask outside.", "steps": [
            "Cut down going out and hard outdoor exercise, especially children, older people and people with heart or lung conditions.",
            "Outside, wear a certified health mask (KF80 or better).",
            "Keep windows closed, air the room only briefly, and use an air purifier if you have one.",
            "After coming in, wash your hands and face and drink plenty of water.",
            "Drive less and use public transport.",
        ]},
    },
    "cold_wave": {
        "ko": {"title": "한파", "summary": "따뜻하게 입고, 수도관과 이웃의 건강을 살피세요.", "steps": [
            "외출할 때는 모자, 장갑, 목도리로 몸을 따뜻하게 하고 옷을 여러 겹 입으세요.",
            "한낮에도 장시간 야외 활동을 피하고, 심혈관 질환이 있다면 특히 조심하세요.",
            "수도 계량기와 수도관을 헌 옷 등으로 감싸고, 오래 집을 비울 때는 물을 조금 틀어 두세요.",
            "손발이 하얗게 변하거나 감각이 없고 몸이 심하게 떨리면 따뜻한 곳으로 옮기고 119에 도움을 요청하세요.",
            "홀로 지내는 어르신 등 이웃의 안부를 확인하고, 난방기구를 쓸 때는 환기와 화재에 주의하세요.",
        ]},
        "en": {"title": "Cold wave", "summary": "Dress warmly; protect water pipes and check on neighbours.", "steps": [
            "Outside, wear a hat, gloves and a scarf, and several layers of clothing.",
            "Avoid long periods outdoors, even at midday, especially if you have a heart condition.",
            "Wrap water meters and pipes; leave a tap dripping if you are away for long.",
            "If fingers or toes turn white or numb, or someone shivers hard, move them somewhere warm and call 119.",
            "Check on older neighbours who live alone; air the room and watch for fire when using heaters.",
        ]},
    },
    "wildfire": {
        "ko": {"title": "산불", "summary": "산불을 보면 119에 신고하고, 바람 반대 방향의 넓은 곳으로 대피하세요.", "steps": [
            "산불을 발견하면 바로 119나 112에 신고하세요.",
            "불길이 번지는 방향(바람이 부는 방향)을 피해 불이 지나간 곳이나 넓은 곳, 도로 쪽으로 대피하세요.",
            "산 근처 집에 있다면 문과 창문을 닫고, 마을 방송에 따라 지정된 대피 장소로 이동하세요.",
            "연기를 마시지 않도록 젖은 수건으로 코와 입을 막으세요.",
            "산에 있을 때 성냥·라이터 등 불씨를 가지고 가지 말고, 입산 통제 구역에는 들어가지 마세요.",
        ]},
        "en": {"title": "Wildfire", "summary": "Report it to 119; move away from the wind's direction to open ground.",
               "steps": [
            "If you see a forest fire, call 119 or 112 at once.",
            "Move away from where the wind is pushing the fire, towards burnt ground, open space or a road.",
            "At home near the hills, close doors and windows and go to the shelter named by local announcements.",
            "Cover your nose and mouth with a wet cloth to avoid breathing smoke.",
            "Never carry matches or lighters into the hills, and keep out of closed forest areas.",
        ]},
    },
    "air_raid": {
        "ko": {"title": "민방공", "summary": "가까운 민방위 대피소나 지하 공간으로 즉시 대피하세요.", "steps": [
            "공습경보가 울리면 가까운 민방위 대피소, 지하철역, 건물 지하 등 지하 공간으로 바로 대피하세요.",
            "운전 중이라면 차를 도로 오른쪽에 세우고 열쇠를 꽂아 둔 채 대피하세요.",
            "대피할 때는 가스와 전기를 차단하고, 라디오와 재난 문자로 안내를 확인하세요.",
            "경계경보가 울리면 대피할 준비를 하고, 노약자와 어린이를 먼저 대피시키세요.",
            "경보가 해제될 때까지 대피소에 머무르고, 안내에 따라 움직이세요.",
        ]},
        "en": {"title": "Air raid", "summary": "Go at once to the nearest civil-defence shelter or underground.",
               "steps": [
            "When the air-raid alert sounds, go straight underground: a civil-defence shelter, a subway station or a basement.",
            "If you are driving, pull over to the right, leave the key in the car and take shelter.",
            "Turn off gas and electricity as you leave; follow radio and official alerts.",
            "On a preliminary (alert) warning, get ready to shelter and help children and older people go first.",
            "Stay in the shelter until the all-clear and follow the instructions given.",
        ]},
    },
    "missing_person": {
        "ko": {"title": "실종", "summary": "인상착의가 비슷한 사람을 보면 바로 112에 신고하세요.", "steps": [
            "문자에 나온 나이, 키, 옷차림 등 인상착의를 확인하세요.",
            "비슷한 사람을 보면 112에 바로 신고하고, 본 장소와 시각, 가는 방향을 알려 주세요.",
            "가능하면 경찰이 올 때까지 멀리서 지켜보며 함께 있어 주세요. 억지로 데려가지 마세요.",
            "추측이나 개인정보를 SNS에 퍼뜨리지 마세요.",
            "가족이 실종되었다면 즉시 112에 신고하고 최근 사진을 준비하세요.",
        ]},
        "en": {"title": "Missing person", "summary": "If you see someone who matches, call 112 at once.", "steps": [
            "Read the description in the message: age, height, clothing.",
            "If you see someone who matches, call 112 and say where and when you saw them and which way they went.",
            "If you can, stay nearby and keep them in sight until the police arrive; do not take them anywhere by force.",
            "Do not spread guesses or personal details on social media.",
            "If a family member goes missing, call 112 at once and have a recent photo ready.",
        ]},
    },
    "infectious_disease": {
        "ko": {"title": "감염병", "summary": "손을 자주 씻고, 증상이 있으면 1339에 먼저 상담하세요.", "steps": [
            "비누로 30초 이상 손을 자주 씻고, 기침할 때는 옷소매로 입과 코를 가리세요.",
            "사람이 많은 곳에서는 마스크를 쓰고, 실내는 자주 환기하세요.",
            "열이나 기침 등 증상이 있으면 외출을 삼가고 질병관리청 콜센터(1339)나 보건소에 먼저 상담하세요.",
            "방역 당국의 안내와 격리 지침을 따르세요.",
            "예방접종 대상이라면 접종 일정을 확인하세요.",
        ]},
        "en": {"title": "Infectious disease", "summary": "Wash your hands often; with symptoms, call 1339 first.",
               "steps": [
            "Wash your hands with soap for at least 30 seconds, often; cough into your sleeve.",
            "Wear a mask in crowded places and air rooms often.",
            "With a fever or cough, stay home and call the KDCA helpline (1339) or your health centre before going out.",
            "Follow the health authorities' instructions and any isolation rules.",
            "If you are eligible for a vaccine, check when you can get it.",
        ]},
    },
    "power_outage": {
        "ko": {"title": "정전", "summary": "엘리베이터를 피하고, 전기제품 플러그를 뽑고 123에 문의하세요.", "steps": [
            "우리 집만 정전인지 이웃과 함께인지 확인하고, 한국전력(국번 없이 123)에 문의하세요.",
            "전기가 다시 들어올 때를 대비해 전열기와 전기제품의 플러그를 뽑아 두세요.",
            "엘리베이터를 타지 말고, 갇혔다면 비상 버튼으로 알린 뒤 구조를 기다리세요.",
            "촛불 대신 손전등을 쓰고, 냉장고 문은 되도록 열지 마세요.",
            "의료기기를 쓰는 가족이 있다면 보조 전원을 확인하고, 필요하면 119에 도움을 요청하세요.",
        ]},
        "en": {"title": "Power outage", "summary": "Avoid lifts, unplug appliances and call 123.", "steps": [
            "Check whether the neighbours have power too, and call KEPCO on 123.",
            "Unplug heaters and appliances so that nothing is damaged when the power returns.",
            "Do not use lifts; if you are stuck in one, press the alarm button and wait for help.",
            "Use a torch rather than candles, and keep the fridge closed.",
            "If someone at home depends on medical equipment, check its backup power and call 119 if needed.",
        ]},
    },
}


def guide(alert_type: str, locale: str) -> dict | None:
    texts = GUIDES.get(alert_type)
    if texts is None:
        return None
    return {"type": alert_type, **texts.get(locale, texts["ko"])}


def all_guides(locale: str) -> list[dict]:
    return [g for t in GUIDE_TYPES if (g := guide(t, locale)) is not None]   # every type has a guide
