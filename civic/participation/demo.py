"""Demo polls (open and closed) and proposals at each stage, made through the services so they
obey the rules: 검토 대기 (submitted), 공감 모집 중 (published), 검토 중 (under review) and
답변 완료 (answered)."""

from __future__ import annotations

from sqlalchemy import select

from civic.db import clock_at, unit_of_work
from civic.demo import at_local
from civic.extensions import db
from civic.participation import service
from civic.participation.models import Poll, Proposal
from civic.timezone import local_now

# Polls open and close at the times staff set them (local wall clock, in days from the day the
# demo is loaded): at 09:00, and at 18:00 or 23:59, on different days, never the minute of the seed.
# question, English, options, district, voters, (opened days ago, at), (closes in days, at)
OPEN_POLLS = (
    ("한강공원 야간 개방 시간을 늘릴까요?", "Should Hangang parks stay open later at night?",
     ["찬성", "반대", "잘 모르겠다"], None, 12, (9, "09:00"), (4, "18:00")),
    ("따릉이 대여소를 어디에 더 늘리면 좋을까요?", "Where should more Ttareungyi bike stations go?",
     ["지하철역 출구 앞", "대학가", "한강공원 입구", "주택가 골목"], None, 9, (4, "10:00"), (9, "23:59")),
    ("강남구 공공 체육관 주말 개방, 어떻게 생각하세요?", "Opening Gangnam-gu public gyms at weekends?",
     ["토·일 모두 개방", "토요일만 개방", "지금처럼 평일만"], "11680", 6, (2, "09:00"), (20, "18:00")),
)
# question, English, options, votes per option, (opened days ago, at), (closed days ago, at)
CLOSED_POLLS = (
    ("2026년 서울 시민의 날 행사 주제를 골라 주세요", "Pick the theme of Seoul Citizens' Day 2026",
     ["한강 불꽃과 음악", "전통시장 축제", "걷기 좋은 서울 걷기대회"], (21, 14, 9), (24, "09:00"), (3, "18:00")),
    ("지하철 막차 시간을 1시간 연장할까요?", "Extend the last subway trains by an hour?",
     ["찬성", "반대"], (31, 12), (45, "09:00"), (16, "23:59")),
)

# title, body, category, district, stage
PROPOSALS = (
    ("동네 도서관 운영시간을 밤 10시까지 늘려 주세요",
     "퇴근 후에 도서관을 이용하고 싶어도 대부분 저녁 6시에 문을 닫습니다. 구립 도서관 한 곳이라도 평일 밤 10시까지 "
     "열어 주시면 직장인과 학생 모두에게 도움이 될 것입니다.", "other", "11440", "published", 18),
    ("어린이보호구역 횡단보도에 옐로카펫을 설치해 주세요",
     "초등학교 앞 횡단보도에서 아이들이 차도 가까이 서서 기다립니다. 옐로카펫과 바닥 신호등을 설치하면 운전자가 "
     "아이들을 더 잘 볼 수 있습니다.", "safety", "11110", "published", 27),
    ("버스정류장에 온열의자를 늘려 주세요",
     "겨울철 새벽 출근길에 버스를 기다리는 시간이 힘듭니다. 이용객이 많은 정류장부터 온열의자를 설치해 주세요.",
     "transport", "11650", "under_review", None),
    ("공원 산책로에 야간 조명을 설치해 주세요",
     "저녁에 공원 산책로가 너무 어두워 걷기가 무섭습니다. 밝은 LED 조명을 설치해 안전하게 산책할 수 있게 해 주세요.",
     "parks", "11500", "answered", None),
    ("재활용 분리배출 요일을 하나로 통일해 주세요",
     "아파트와 단독주택의 분리배출 요일이 달라 헷갈립니다. 자치구별로 요일을 통일하고 안내 스티커를 붙여 주세요.",
     "cleaning", "11230", "submitted", None),
)
RESPONSE = ("제안해 주셔서 감사합니다. 검토 결과 공원 산책로 3곳(총 2.4km)에 내년 상반기까지 LED 보안등 48개를 "
            "설치하기로 했습니다. 나머지 구간은 이용 현황을 조사한 뒤 추가로 검토하겠습니다.")
COMMENTS = ("저도 같은 생각입니다. 꼭 반영되었으면 좋겠어요.", "아이 키우는 입장에서 정말 필요한 제안입니다.",
            "좋은 제안 감사합니다!")


def _open_polls(staff, crowd) -> int:
    today = local_now().date()
    added = 0
    for question, question_en, options, district, voters, (opened, opened_at), (closes, closes_at) in OPEN_POLLS:
        poll = service.create_poll(staff, question_ko=question, question_en=question_en, options=options,
                                   opens_at=at_local(today, -opened, opened_at),
                                   closes_at=at_local(today, closes, closes_at), district_code=district)
        for i, person in enumerate(crowd[:voters]):
            service.cast_vote(person, poll.id, poll.options[(i * 7) % len(options)].id)
        added += 1
    return added


def _closed_polls(staff, crowd) -> int:
    today = local_now().date()
    added = 0
    for question, question_en, options, votes, (opened, opened_at), (closed, closed_at) in CLOSED_POLLS:
        poll = service.create_poll(staff, question_ko=question, question_en=question_en, options=options,
                                   opens_at=at_local(today, -opened, opened_at), closes_at=at_local(today, 1, "18:00"),
                                   results_visibility="after_close")
        voters = iter(crowd)
        for option, count in zip(poll.options, votes, strict=True):
            for _ in range(count):
                service.cast_vote(next(voters), poll.id, option.id)
        service.close_poll(staff, poll.id)
        # Voting happens now, so the poll is closed now; then it is dated to the evening it
        # closed on, as the history would show it (the service only closes polls now).
        with unit_of_work():
            poll.closes_at = at_local(today, -closed, closed_at)
        added += 1
    return added


# When each proposal was submitted (working days ago, local HH:MM): published the next working
# day at PUBLISHED, neighbours' comments the day after; supports and answers come at the seed.
SUBMITTED = ((9, "21:14"), (7, "08:37"), (12, "19:48"), (15, "12:06"), (1, "23:22"))
PUBLISHED, COMMENTED = ("10:12", "11:40", "09:55", "14:03"), ("12:41", "20:17")


def _proposals(people, crowd) -> int:
    citizen, admin = people["citizen"], people["admin"]
    authors = [citizen] + crowd[-5:]
    today = local_now().date()
    for n, (title, body, category, district, stage, supports) in enumerate(PROPOSALS):
        days, clock = SUBMITTED[n]
        with clock_at(at_local(today, -days, clock, working=True)):
            proposal = service.create_proposal(authors[n % len(authors)], title=title, body=body,
                                               category=category, district_code=district)
        if stage == "submitted":
            continue
        with clock_at(at_local(today, -(days - 1), PUBLISHED[n % len(PUBLISHED)], working=True)):
            service.publish_proposal(admin, proposal.id)
        for (person, text), clock in zip(zip(crowd[:2], COMMENTS[n % 2:], strict=False), COMMENTED, strict=False):
            with clock_at(at_local(today, -(days - 2), clock, working=True)):
                service.add_comment(person, proposal.id, text)
        wanted = supports if supports is not None else service.threshold()
        backers = [p for p in [citizen] + crowd if p.id != proposal.author_id][:wanted]
        for person in backers:
            service.support(person, proposal.id)
        if stage == "answered":
            service.respond(admin, proposal.id, "partly_accepted", RESPONSE)
    return len(PROPOSALS)


def seed_demo(people: dict) -> dict[str, int]:
    """Idempotent: does nothing when the first demo poll already exists."""
    from civic.accounts.demo import neighbours

    if db.session.scalar(select(Poll.id).where(Poll.question_ko == OPEN_POLLS[0][0])) is not None:
        return {}
    if db.session.scalar(select(Proposal.id).where(Proposal.title == PROPOSALS[0][0])) is not None:
        return {}
    crowd = neighbours(max(service.threshold(), 60) + 5)
    staff = people["admin"]
    return {"polls": _open_polls(staff, crowd) + _closed_polls(staff, crowd),
            "proposals": _proposals(people, crowd)}
