"""Grading a student's answers: ``check``, the report, quiz sheets and keys.

- :mod:`~chainrule.explainer.assess.grading`: :func:`check` grades answers
  against an explanation, element by element, within a tolerance.
- :mod:`~chainrule.explainer.assess.diagnosis`: what a wrong value most
  likely is (rounded too coarsely, off by the number of examples).
- :mod:`~chainrule.explainer.assess.check_report`: the report (data).
- :mod:`~chainrule.explainer.assess.grade_sheet`: a class's reports as CSV.
- :mod:`~chainrule.explainer.assess.quiz`: blank sheets that do not leak,
  answer keys, a problem with weights drawn from a seed.

Layer: above :mod:`chainrule.explainer.problems`. May import the problems,
the builders and what is below them.
"""
