"""Two wire texts the near-duplicate tests copy and rewrite (tests/test_dedup.py, the
OpenSearch clusters tests): one story, and one about something else."""

STORY = (
    "The Bundesbank left credit policies unchanged after today's regular meeting of its "
    "council, a spokesman said in answer to enquiries. The West German discount rate remains "
    "at 3.0 pct, and the Lombard emergency financing rate at 5.0 pct. Economists had expected "
    "no change before the summer, since money supply growth has slowed and the mark has been "
    "stable against the dollar in recent weeks, dealers in Frankfurt said."
)
OTHER = (
    "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought "
    "since early January and improving prospects for the coming temporao, although normal "
    "humidity levels have not been restored, Comissaria Smith said in its weekly review. "
    "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos."
)
