from __future__ import annotations

from rest_framework import serializers
from rest_framework.utils import html

from knowledge.manuals.markdown import render
from knowledge.models import Article, ArticleSuggestion


class ArticleListSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.slug")
    category = serializers.SerializerMethodField()
    tags = serializers.ListField(source="tag_list", child=serializers.CharField())
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Article
        fields = ["id", "external_id", "client", "category", "title", "tags", "status", "updated_at", "url"]

    def get_category(self, article) -> str:
        return article.category.path if article.category_id else ""


class ArticleDetailSerializer(ArticleListSerializer):
    answer_html = serializers.SerializerMethodField(help_text="The answer script rendered and sanitised")
    related = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "question",
            "answer",
            "answer_html",
            "steps",
            "cautions",
            "published_at",
            "verify_by",
            "related",
        ]

    def get_answer_html(self, article) -> str:
        return str(render(article.answer))

    def get_related(self, article) -> list[int]:
        return [a.pk for a in getattr(article, "visible_related", [])]


class _NotBlankCharField(serializers.CharField):
    """Optional, but never blank. DRF reads an empty form-encoded value of an optional field as
    "not sent"; here it is refused like a blank JSON value ("This field may not be blank."), as the
    schema says (minLength 1), instead of being silently dropped."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class SuggestionCreateSerializer(serializers.Serializer):
    title = _NotBlankCharField(max_length=200, required=False)
    question = serializers.CharField(required=False, allow_blank=True)
    answer = _NotBlankCharField(required=False)
    steps = serializers.CharField(required=False, allow_blank=True)
    cautions = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, help_text="Why this change")


class SuggestionSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id")
    status = serializers.CharField(read_only=True, help_text="pending, accepted or rejected")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = ArticleSuggestion
        fields = [
            "id",
            "article",
            "status",
            "title",
            "question",
            "answer",
            "steps",
            "cautions",
            "tags",
            "note",
            "created_at",
            "url",
        ]
